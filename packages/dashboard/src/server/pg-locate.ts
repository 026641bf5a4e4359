import {
  apiNotFound,
  findPg,
  LookupError,
  type Coordinator,
  type ProtectionGroup,
  type SiteHandle,
  type SyncStatus,
} from '@protector/protectorclient';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { runsHere } from './pg-read.js';
import { httpErrorOf, why } from './site-errors.js';


/** One logged-in site's copy of a PG: read, unknown there (pg null, error null), or not read (error). */
export interface Copy {
  site: SiteHandle;
  pg: ProtectionGroup | null;
  status: SyncStatus | null;
  error: string | null;
}

/** A copy that was read. */
export type ReadCopy = Copy & { pg: ProtectionGroup; status: SyncStatus };

export const isRead = (c: Copy): c is ReadCopy => c.pg !== null && c.status !== null;

/** The PG by id or name on one site, with that site's sync-status; a site that does not answer is noted, not thrown. */
export async function readCopy(site: SiteHandle, ref: string): Promise<Copy> {
  try {
    const pg = await findPg(site, ref);
    return { site, pg, status: await site.client.metadata.syncStatus(pg.id), error: null };
  } catch (err) {
    if (err instanceof LookupError || apiNotFound(err)) return { site, pg: null, status: null, error: null };
    return { site, pg: null, status: null, error: why(err) };
  }
}

export interface Located {
  pgId: string;
  /** Every logged-in site's copy, the Coordinator's primary first. */
  copies: Copy[];
  /** The newest copy read (the one a page shows). */
  newest: ReadCopy;
  /** The copy of the site whose own copy says it runs the workload; null when that site was not read. */
  running: ReadCopy | null;
  /** The site running the workload, by name, even when it was not read (from the other copy). */
  runningName: string | null;
}

/**
 * The PG on every logged-in site at once, so one site down still leaves the other's copy: 404
 * when no site that answered knows it, 503 when none answered.
 */
export async function locate(c: Coordinator, ref: string): Promise<Located> {
  const copies = await Promise.all(c.both().map((h) => readCopy(h, ref)));
  const read = copies.filter(isRead);
  if (read.length === 0) {
    const down = copies.filter((x) => x.error);
    if (down.length === copies.length) throw new HttpError(503, 'site_unreachable', `no site answers: ${down.map((x) => `${x.site.name}: ${x.error}`).join('; ')}`);
    throw new HttpError(404, 'not_found', `no protection group '${ref}' on ${copies.filter((x) => !x.error).map((x) => x.site.name).join(' or ')}`);
  }
  // Newest copy first; on a tie, the one whose site runs the workload.
  const runs = (x: ReadCopy) => runsHere(x.status.site_id, x.status);
  const newest = [...read].sort((x, y) => y.status.metadata_version - x.status.metadata_version || Number(runs(y)) - Number(runs(x)))[0]!;
  const running = read.find(runs) ?? null;
  const other = (x: Copy) => c.both().find((h) => h !== x.site)?.name ?? null;
  return { pgId: newest.pg.id, copies, newest, running, runningName: running ? running.site.name : other(newest) };
}

/** The site that runs the workload, read; else a 409 saying which site it is and that it does not answer. */
export function runningCopy(l: Located): ReadCopy {
  if (l.running) return l.running;
  const name = l.runningName ?? 'the other site';
  const copy = l.copies.find((x) => x.site.name === name);
  throw new HttpError(409, 'site_unreachable', `${name} runs the workload of protection group ${l.newest.pg.name} and ${copy ? `does not answer (${copy.error})` : 'is not logged in'}`);
}

/**
 * Names the site ids of one copy as the pages name sites. Each site's registry has its own ids:
 * the copy's own id is its site; the PG's other site id is the other one (logged in, or by the
 * name the document registers it under).
 */
export function siteNamer(copy: ReadCopy, others: SiteHandle[], registered: { id: string; name: string }[] = []): (id: string | null) => string | null {
  const own = copy.status.site_id;
  const otherName = others.find((h) => h !== copy.site)?.name;
  return (id) => {
    if (id === null) return null;
    if (id === own) return copy.site.name;
    if (id === copy.pg.primary_site_id || id === copy.pg.secondary_site_id) return otherName ?? registered.find((s) => s.id === id)?.name ?? id;
    return registered.find((s) => s.id === id)?.name ?? id;
  };
}

/** A route whose SDK and Coordinator errors answer with the status they mean. */
export function route<T>(fn: (req: FastifyRequest, reply: FastifyReply) => Promise<T>): (req: FastifyRequest, reply: FastifyReply) => Promise<T> {
  return async (req, reply) => {
    try {
      return await fn(req, reply);
    } catch (err) {
      throw httpErrorOf(err);
    }
  };
}

export const pgParam = (req: FastifyRequest): string => (req.params as { pg: string }).pg;
