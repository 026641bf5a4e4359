import type { AddressInfo } from 'node:net';
import type { ArrayModel } from '../model/model.js';
import { createArrayRestApp, type ArrayRestOptions } from './app.js';
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

/**
 * A minimal FlashArray REST 2.x client for tests and tools: log in with an API token, then call
 * `/api/<version>/<path>` with the session's x-auth-token.
 */
export class ArrayRestClient {
  token: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly version = LATEST_VERSION,
  ) {}

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
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
}

/** Serves one array's REST face on a loopback port (0 picks a free one); for tests and the lab. */
export async function serveArrayRest(
  model: ArrayModel,
  array: string,
  opts: ArrayRestOptions & { host?: string; port?: number } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createArrayRestApp(model, array, opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
