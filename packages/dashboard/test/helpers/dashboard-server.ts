// protector-dashboard's server over a CLI lab's two sites, as the integration tests drive it with
// `app.inject`: the pair as a clouds.yaml names it (the lab's APIs are not in the Keystone
// catalogs: endpoint overrides), a user logged in with its cookie and CSRF token, and operations
// followed as the operation page follows them.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ALICE } from '../../../protector/test/helpers/two-sites.js';
import type { CliLab } from '../../../protectorclient/test/helpers/cli-lab.js';
import { buildDashboardApp, type DashboardOptions } from '../../src/server/index.js';
import type { OperationView } from '../../src/shared/operations.js';
import type { UserLogin } from './pgs.js';

/** alice, a member of the lab's demo project on both sites. */
export const DEMO: UserLogin = { username: ALICE.name, password: ALICE.password, project: 'demo' };

/** The server over the lab's site-a and site-b; it and the lab close after the file's tests. */
export function dashboardOn(lab: CliLab, o: Pick<DashboardOptions, 'timeoutMs' | 'webRoot'> = {}): FastifyInstance {
  const { t } = lab;
  const app = buildDashboardApp({
    sites: [
      { name: 'site-a', authUrl: `${t.a.url('keystone')}/v3`, region: 'RegionOne', endpoint: lab.api.a.url },
      { name: 'site-b', authUrl: `${t.b.url('keystone')}/v3`, region: 'RegionOne', endpoint: lab.api.b.url },
    ],
    timeoutMs: 5000,
    ...o,
  });
  after(async () => {
    await app.close();
    await lab.close();
  });
  return app;
}

/** The session cookie from a login's answer, as the browser sends it back. */
export const cookieOf = (r: LightMyRequestResponse): string => {
  const set = r.headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
};

export interface DashboardUser {
  cookie: string;
  csrf: string;
  isAdmin: boolean;
  /** A call as the pages make it: the cookie always, the CSRF token with every change. */
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** A GET that must answer 200: its body. */
  read<T>(url: string): Promise<T>;
  /** Reads the operation as its page does until it has ended (its result then stored on the other site, or why not). */
  ended(site: string, id: string): Promise<OperationView>;
}

/** Logs `user` in to both sites through the server. */
export async function logIn(app: FastifyInstance, user: UserLogin = DEMO): Promise<DashboardUser> {
  const r = await app.inject({ method: 'POST', url: '/api/login', payload: { username: user.username, password: user.password, project: user.project } });
  assert.equal(r.statusCode, 200, r.body);
  const cookie = cookieOf(r);
  const { csrf_token: csrf, is_admin: isAdmin } = r.json() as { csrf_token: string; is_admin: boolean };
  const call: DashboardUser['call'] = (method, url, payload) =>
    app.inject({ method, url, headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }) }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const read = async <T>(url: string): Promise<T> => {
    const res = await call('GET', url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json() as T;
  };
  const ended = async (site: string, id: string): Promise<OperationView> => {
    for (let i = 0; i < 120; i++) {
      const v = await read<OperationView>(`/api/operations/${site}/${id}`);
      if (v.stored !== null) return v;
      await sleep(500);
    }
    assert.fail(`operation ${id} on ${site} did not end`);
  };
  return { cookie, csrf, isAdmin, call, read, ended };
}
