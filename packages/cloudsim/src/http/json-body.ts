import type { FastifyReply } from 'fastify';

/**
 * Bodies of long lists, put together from each item's JSON: the same bytes JSON.stringify gives
 * the whole body, without serializing again an item whose stored document did not change.
 */

/** An object from already serialized member values, in order. */
export function jsonObject(members: readonly (readonly [string, string])[]): string {
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

export function jsonArray(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}

/** Sends a serialized body with the content type Fastify gives a serialized object. */
export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

/**
 * Each shared (frozen) document's JSON, per variant (microversion, caller's role, root URL), for
 * as long as the document and `deps` (the other documents its view shows) are the same objects.
 * A stored document changes by being replaced, so a changed one is never found here.
 */
export class JsonMemo<D extends object> {
  private readonly seen = new WeakMap<D, Map<string, { deps: readonly unknown[]; json: string }>>();

  json(doc: D, variant: string, deps: readonly unknown[], render: () => unknown): string {
    let variants = this.seen.get(doc);
    if (!variants) this.seen.set(doc, (variants = new Map()));
    const hit = variants.get(variant);
    if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.json;
    const json = JSON.stringify(render());
    variants.set(variant, { deps, json });
    return json;
  }
}
