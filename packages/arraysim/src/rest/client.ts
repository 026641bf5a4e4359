import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArrayModel } from '../model/model.js';
import { createArrayRestApp, type ArrayRestOptions } from './app.js';
import { createSelfSignedTls, type ArrayTls } from './tls.js';
import { LATEST_VERSION } from './versions.js';

/** One HTTP answer, with the body parsed when it is JSON. */
export interface RestAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Session token to send instead of the client's own; null sends none. */
  token?: string | null;
}

export interface ArrayRestClientOptions {
  /** REST version of `/api/<version>/…` paths (default 2.20). */
  version?: string;
  /** CA certificate (PEM) to verify an https face with; the face's own `ca` from serveArrayRest. */
  ca?: string;
}

/**
 * A minimal FlashArray REST 2.x client for tests and tools: log in with an API token, then call
 * `/api/<version>/<path>` with the session's x-auth-token. HTTPS is verified against `ca`.
 */
export class ArrayRestClient {
  token: string | null = null;
  readonly version: string;
  private readonly ca?: string;

  constructor(
    readonly baseUrl: string,
    opts: ArrayRestClientOptions = {},
  ) {
    this.version = opts.version ?? LATEST_VERSION;
    this.ca = opts.ca;
  }

  async login(apiToken: string): Promise<RestAnswer<{ items: { username: string }[] }>> {
    const a = await this.call<{ items: { username: string }[] }>('POST', 'login', { headers: { 'api-token': apiToken }, token: null });
    if (a.status === 200) this.token = a.headers.get('x-auth-token');
    return a;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, opts: CallOptions = {}): Promise<RestAnswer<T>> {
    const url = new URL(path.startsWith('/') ? path : `/api/${this.version}/${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token) headers['x-auth-token'] = token;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await send(url, method, headers, body, this.ca);
    let parsed: unknown = null;
    if (res.text !== '') {
      try {
        parsed = JSON.parse(res.text);
      } catch {
        parsed = null;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text: res.text };
  }
}

/** node:http(s) rather than fetch: fetch cannot be given a CA without an extra dispatcher package. */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, ca?: string): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface ServeOptions extends Omit<ArrayRestOptions, 'https'> {
  host?: string;
  port?: number;
  /** Certificate and key to serve (with the CA that issued them); default: a new CA and certificate for 127.0.0.1. */
  tls?: ArrayTls;
}

/**
 * Serves one array's REST face over HTTPS, as every FlashArray does, on a loopback port (0 picks
 * a free one); for tests, tools and the lab. `ca` is the PEM clients verify the face with.
 */
export async function serveArrayRest(
  model: ArrayModel,
  array: string,
  opts: ServeOptions = {},
): Promise<{ url: string; ca: string; close: () => Promise<void> }> {
  const tls = opts.tls ?? (await createSelfSignedTls());
  const app = createArrayRestApp(model, array, { ...opts, https: { key: tls.key, cert: tls.cert } });
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: `https://${hostPart}:${port}`, ca: tls.ca, close: () => app.close() };
}
