import { KeystoneSession } from '@protector/openstack';
import { ProtectorClient, type OperationDetail } from '../../src/api/index.js';
import type { SiteHandle } from '../../src/coordinator/index.js';

/** What the fake Protector does with one request: answer, or fail as a restarting service does. */
export type FakeAnswer = { status: number; body?: unknown } | 'refused' | 'reset';

/** A request as the fake site saw it (its JSON body parsed). */
export interface FakeRequest {
  method: string;
  body: unknown;
}

const ENDPOINT = 'http://protector.test';
export const FAKE_PROJECT = 'p0000000000000000000000000000001';

/** A network failure as undici reports it (the errno in `cause`). */
const networkError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/**
 * One site's Protector behind a fake `fetch`: Keystone issues a token, version discovery answers
 * 1.0, and every other request (path after /v1/{project}) is answered by `answer`, in order. The
 * whole SDK stack (HTTP transport, error mapping) runs for real; no retries inside it, so each
 * answer is one poll.
 */
export function fakeSite(name: string, answer: (path: string, req: FakeRequest) => FakeAnswer, o: { /** The whole site lost (Keystone too): every request refused while true. */ down?: () => boolean } = {}): { site: SiteHandle; paths: string[]; requests: (FakeRequest & { path: string })[] } {
  const paths: string[] = [];
  const requests: (FakeRequest & { path: string })[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (o.down?.()) throw networkError('ECONNREFUSED');
    if (url.pathname.endsWith('/auth/tokens')) {
      const token = { issued_at: new Date().toISOString(), expires_at: new Date(Date.now() + 3_600_000).toISOString(), user: { id: 'u1', name: 'alice' }, project: { id: FAKE_PROJECT, name: 'demo' }, roles: [{ name: 'member' }], catalog: [] };
      return json(201, { token }, { 'X-Subject-Token': 'tok' });
    }
    if (url.pathname === '/') return json(200, { versions: [{ id: 'v1.0', status: 'CURRENT', version: '1.0', min_version: '1.0', links: [] }] });
    const path = url.pathname.replace(`/v1/${FAKE_PROJECT}`, '');
    paths.push(path);
    const req: FakeRequest = { method: init?.method ?? 'GET', body: typeof init?.body === 'string' && init.body ? JSON.parse(init.body) : undefined };
    requests.push({ ...req, path });
    const a = answer(path, req);
    if (a === 'refused') throw networkError('ECONNREFUSED');
    if (a === 'reset') throw networkError('ECONNRESET');
    return a.status >= 400 ? json(a.status, a.body ?? { error: { code: a.status, title: 'Error', message: `answered ${a.status}` } }) : json(a.status, a.body);
  };
  const session = new KeystoneSession({ authUrl: 'http://keystone.test/v3', credentials: { type: 'password', username: 'alice', password: 'x', userDomainId: 'default', scope: { projectName: 'demo', projectDomainId: 'default' } }, http: { retries: 0, fetch } });
  return { site: { name, client: new ProtectorClient({ session, site: name, endpointOverride: ENDPOINT }) }, paths, requests };
}

/** An operation as `GET …/operations/{id}` answers it, with one step per name. */
export function operation(id: string, status: OperationDetail['status'], steps: [string, OperationDetail['steps'][number]['status']][] = [], over: Partial<OperationDetail> = {}): OperationDetail {
  const t = '2026-01-01T00:00:00.000000';
  return {
    id,
    project_id: FAKE_PROJECT,
    protection_group_id: 'pg-1',
    parent_id: null,
    type: 'test_failover',
    status,
    progress: status === 'completed' ? 100 : 0,
    params: {},
    result: {},
    error: null,
    request_id: 'req-1',
    user_id: 'u1',
    created_at: t,
    started_at: t,
    finished_at: status === 'completed' || status === 'failed' ? t : null,
    updated_at: t,
    queued_seconds: 0,
    rto_seconds: 1,
    steps: steps.map(([name, s], seq) => ({ seq, name, status: s, started_at: t, finished_at: null, duration_ms: s === 'completed' ? 1000 : null, detail: {}, error: null })),
    children: [],
    ...over,
  };
}

/** `{ operation }` as the API wraps it. */
export const answerOp = (op: OperationDetail): FakeAnswer => ({ status: 200, body: { operation: op } });
