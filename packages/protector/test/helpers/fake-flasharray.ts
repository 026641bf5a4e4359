/**
 * A tiny fake FlashArray REST 2.x server over HTTPS for the session's unit tests: api_version,
 * login/logout with sessions, arrays, and paged GET lists of canned items. Tests script
 * anything else (errors, 429s, hangs, resets) with `fake.on(handler)`. Its certificate is
 * test/fixtures/tls/server.pem, signed by test/fixtures/tls/ca.pem (see the README there).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { FlashArraySession, type FlashArraySessionOptions } from '../../src/storage/flasharray/rest/index.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');

/** The CA that signed the fake array's certificate (PEM). */
export const TEST_CA = fixture('ca.pem');

export interface FakeRequest {
  method: string;
  /** Path without query, e.g. '/api/2.20/volumes'. */
  path: string;
  /** The path after '/api/<version>/', e.g. 'volumes' ('' for api_version). */
  endpoint: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: JSON `body` (or `raw` text), or never answer ('hang'), or cut the connection ('reset'). */
export type FakeReply = { status?: number; headers?: Record<string, string>; body?: unknown; raw?: string } | 'hang' | 'reset';
/** Returns a reply to take over the request, or undefined to let the next handler (or the defaults) answer. */
export type FakeHandler = (req: FakeRequest) => FakeReply | undefined;

export const errorBody = (message: string, context?: string) => ({ errors: [{ ...(context !== undefined ? { context } : {}), message }] });

export class FakeFlashArray {
  name = 'fa-a';
  apiToken = 'api-token-0123456789-secret';
  /** What GET /api/api_version lists. */
  versions: string[] = Array.from({ length: 21 }, (_, i) => `2.${i}`);
  /** Items served by GET /api/<v>/<endpoint>, paged with limit and continuation_token. */
  collections: Record<string, unknown[]> = {};
  readonly sessions = new Set<string>();
  /** Every session token issued, in order. */
  readonly issued: string[] = [];
  readonly requests: FakeRequest[] = [];
  url = '';
  port = 0;
  private handlers: FakeHandler[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer({ key: fixture('server-key.pem'), cert: fixture('server.pem') }, (req, res) => this.serve(req, res));
    this.server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(setup?: (fake: FakeFlashArray) => void): Promise<FakeFlashArray> {
    const fake = new FakeFlashArray();
    setup?.(fake);
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    fake.port = (fake.server.address() as { port: number }).port;
    fake.url = `https://127.0.0.1:${fake.port}`;
    return fake;
  }

  /** Adds a handler tried before the defaults (earlier handlers first). */
  on(handler: FakeHandler): this {
    this.handlers.push(handler);
    return this;
  }

  /** Back to a fresh array named 'fa-a' offering 2.0..2.20: no handlers, sessions, requests or collections. */
  reset(): void {
    this.name = 'fa-a';
    this.versions = Array.from({ length: 21 }, (_, i) => `2.${i}`);
    this.collections = {};
    this.handlers = [];
    this.sessions.clear();
    this.issued.length = 0;
    this.requests.length = 0;
  }

  /** Ends every session, as an array does after 30 idle minutes or a restart. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Requests whose method and endpoint match. */
  count(method: string, endpoint: string): number {
    return this.requests.filter((r) => r.method === method && r.endpoint === endpoint).length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'https://fake');
      const m = /^\/api\/(\d+\.\d+)\/(.*)$/.exec(u.pathname);
      const r: FakeRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        endpoint: m ? (m[2] ?? '') : '',
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(r);
      let reply: FakeReply | undefined;
      for (const h of this.handlers) if ((reply = h(r)) !== undefined) break;
      reply ??= this.defaults(r, m?.[1]);
      if (reply === 'hang') return;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status ?? 200, { ...(reply.raw === undefined && text !== '' ? { 'Content-Type': 'application/json' } : {}), ...reply.headers });
      res.end(text);
    });
  }

  private defaults(r: FakeRequest, version: string | undefined): FakeReply {
    if (r.path === '/api/api_version' && r.method === 'GET') return { body: { version: this.versions } };
    if (version === undefined || !this.versions.includes(version)) return { status: 404, body: errorBody('Not found.', r.path) };
    if (r.endpoint === 'login' && r.method === 'POST') {
      if (r.headers['api-token'] !== this.apiToken) return { status: 401, body: errorBody('Invalid credentials.', r.path) };
      const token = randomUUID();
      this.sessions.add(token);
      this.issued.push(token);
      return { headers: { 'x-auth-token': token }, body: { items: [{ username: 'pureuser' }] } };
    }
    const token = r.headers['x-auth-token'];
    if (typeof token !== 'string' || !this.sessions.has(token)) return { status: 401, body: errorBody('Session token is invalid or has expired.', r.path) };
    if (r.endpoint === 'logout' && r.method === 'POST') {
      this.sessions.delete(token);
      return { body: {} };
    }
    if (r.endpoint === 'arrays' && r.method === 'GET') {
      return { body: { items: [{ id: 'a1b2', name: this.name, os: 'Purity//FA', version: '6.5.3' }], continuation_token: null, more_items_remaining: false } };
    }
    const items = this.collections[r.endpoint];
    if (items && r.method === 'GET') {
      const offset = Number(Buffer.from(r.query.get('continuation_token') ?? 'MA==', 'base64').toString()) || 0;
      const limit = Number(r.query.get('limit') ?? items.length) || items.length;
      const page = items.slice(offset, offset + limit);
      const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
      return {
        headers: next ? { 'x-next-token': next } : {},
        body: { items: page, continuation_token: next, more_items_remaining: next !== null, total_item_count: null },
      };
    }
    return { status: 404, body: errorBody('Not found.', r.path) };
  }
}

/**
 * A session with the fake (its name, URL, API token and CA), whose sleeps return at once and are
 * recorded in `slept`; `over` changes any option.
 */
export function fakeSession(fake: FakeFlashArray, over: Partial<FlashArraySessionOptions> = {}): { session: FlashArraySession; slept: number[] } {
  const slept: number[] = [];
  const session = new FlashArraySession({
    array: 'fa-a',
    url: fake.url,
    apiToken: fake.apiToken,
    ca: TEST_CA,
    retryDelayMs: 10,
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...over,
  });
  return { session, slept };
}
