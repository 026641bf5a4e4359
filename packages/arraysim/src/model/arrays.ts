import { ArrayError, conflict, invalid, notFound } from './errors.js';
import { checkInt, checkName } from './names.js';
import type { ArrayConnectionRecord, ArrayRecord, ConnectionStatus, ConnectionType } from './records.js';
import { randomBytes } from 'node:crypto';
import { newId, type Store } from './store.js';

export const PURITY_VERSION = '6.5.0';

interface ArrayRow {
  name: string;
  id: string;
  version: string;
  down: number;
}

export interface ConnectionRow {
  a: string;
  b: string;
  id: string;
  status: ConnectionStatus;
  type: ConnectionType;
  bandwidth: number;
  latency_ms: number;
  progressed_at: number;
}

const toArray = (r: ArrayRow): ArrayRecord => ({ name: r.name, id: r.id, version: r.version, os: 'Purity//FA' });

export function createArray(s: Store, name: string): ArrayRecord {
  checkName('name', name);
  return s.tx(() => {
    if (s.get('SELECT 1 FROM fa_arrays WHERE name = ?', name)) throw conflict(`array '${name}' already exists`);
    s.run('INSERT INTO fa_arrays (name, id, version) VALUES (?, ?, ?)', name, newId(), PURITY_VERSION);
    return getArray(s, name);
  });
}

function arrayRow(s: Store, name: string): ArrayRow {
  const r = s.get<ArrayRow>('SELECT * FROM fa_arrays WHERE name = ?', name);
  if (!r) throw notFound(`array '${name}'`);
  return r;
}

export const getArray = (s: Store, name: string): ArrayRecord => toArray(arrayRow(s, name));
export const listArrays = (s: Store): ArrayRecord[] => s.all<ArrayRow>('SELECT * FROM fa_arrays ORDER BY name').map(toArray);
export const isDown = (s: Store, name: string): boolean => arrayRow(s, name).down === 1;

export function setArrayDown(s: Store, name: string, down: boolean): void {
  s.run('UPDATE fa_arrays SET down = ? WHERE name = ?', down ? 1 : 0, name);
}

/**
 * Checks a call may run on `array`: it exists, is reachable, and no injected failure is pending
 * for `call`. The failure count is committed before the error is thrown, so it survives the throw.
 */
export function guard(s: Store, array: string, call: string): void {
  const err = s.tx((): ArrayError | null => {
    const r = arrayRow(s, array);
    if (r.down) return new ArrayError('unreachable', `array '${array}' is unreachable`);
    const f = s.get<{ remaining: number }>('SELECT remaining FROM fa_faults WHERE array = ? AND call = ?', array, call);
    if (f && f.remaining > 0) {
      s.run('UPDATE fa_faults SET remaining = remaining - 1 WHERE array = ? AND call = ?', array, call);
      return new ArrayError('failed', `array '${array}': ${call} failed (injected fault)`);
    }
    return null;
  });
  if (err) throw err;
}

export function failNext(s: Store, array: string, call: string, times: number): void {
  checkInt('times', times, 0);
  if (!call) throw invalid('call', 'a call name is required');
  s.tx(() => {
    arrayRow(s, array);
    s.run('INSERT OR REPLACE INTO fa_faults (array, call, remaining) VALUES (?, ?, ?)', array, call, times);
  });
}

const pair = (x: string, y: string): [string, string] => (x < y ? [x, y] : [y, x]);

export function connectionRow(s: Store, x: string, y: string): ConnectionRow | undefined {
  const [a, b] = pair(x, y);
  return s.get<ConnectionRow>('SELECT * FROM fa_connections WHERE a = ? AND b = ?', a, b);
}

export function requireConnection(s: Store, x: string, y: string): ConnectionRow {
  const c = connectionRow(s, x, y);
  if (!c) throw notFound(`array connection between '${x}' and '${y}'`);
  return c;
}

const toConnection = (c: ConnectionRow, from: string): ArrayConnectionRecord => ({
  name: c.a === from ? c.b : c.a,
  id: c.id,
  status: c.status,
  type: c.type,
  bandwidth: c.bandwidth,
  latency_ms: c.latency_ms,
});

export interface ConnectOptions {
  type?: ConnectionType;
  bandwidth?: number;
  latency_ms?: number;
}

export function connect(s: Store, x: string, y: string, opts: ConnectOptions = {}): ArrayConnectionRecord {
  if (x === y) throw invalid('remote', `array '${x}' cannot connect to itself`);
  const type = opts.type ?? 'async-replication';
  if (type !== 'async-replication' && type !== 'sync-replication') throw invalid('type', `unknown connection type '${String(type)}'`);
  const bandwidth = checkInt('bandwidth', opts.bandwidth ?? 100 * 1024 * 1024, 1);
  const latency = checkInt('latency_ms', opts.latency_ms ?? 1, 0);
  return s.tx(() => {
    arrayRow(s, x);
    arrayRow(s, y);
    if (connectionRow(s, x, y)) throw conflict(`arrays '${x}' and '${y}' are already connected`);
    const [a, b] = pair(x, y);
    s.run(
      'INSERT INTO fa_connections (a, b, id, status, type, bandwidth, latency_ms, progressed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      a, b, newId(), 'connected', type, bandwidth, latency, s.now(),
    );
    return toConnection(requireConnection(s, x, y), x);
  });
}

export function listConnections(s: Store, array: string): ArrayConnectionRecord[] {
  arrayRow(s, array);
  return s
    .all<ConnectionRow>('SELECT * FROM fa_connections WHERE a = ? OR b = ? ORDER BY a, b', array, array)
    .map((c) => toConnection(c, array));
}

/** Caller progresses transfers to now first, so the old link state applies up to this instant. */
export function updateConnection(s: Store, x: string, y: string, change: { status?: ConnectionStatus; bandwidth?: number; latency_ms?: number }): void {
  const c = requireConnection(s, x, y);
  const status = change.status ?? c.status;
  const bandwidth = change.bandwidth === undefined ? c.bandwidth : checkInt('bandwidth', change.bandwidth, 1);
  const latency = change.latency_ms === undefined ? c.latency_ms : checkInt('latency_ms', change.latency_ms, 0);
  s.run('UPDATE fa_connections SET status = ?, bandwidth = ?, latency_ms = ? WHERE a = ? AND b = ?', status, bandwidth, latency, c.a, c.b);
}

/**
 * An API token for `user` on `array`, as `pureadmin create --api-token` issues: the REST face's
 * login exchanges it for a session. Tokens are UUID-shaped, like Purity's.
 */
export function createApiToken(s: Store, array: string, user: string, token?: string): string {
  checkName('user', user);
  const t = token ?? formatToken(randomBytes(16));
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t)) throw invalid('token', 'an API token is 36 characters, UUID-shaped');
  return s.tx(() => {
    arrayRow(s, array);
    const other = s.get<{ array: string }>('SELECT array FROM fa_api_tokens WHERE token = ?', t);
    if (other && other.array !== array) throw conflict('that API token is already issued on another array');
    s.run('INSERT OR REPLACE INTO fa_api_tokens (token, array, user, created) VALUES (?, ?, ?, ?)', t, array, user, s.now());
    return t;
  });
}

const formatToken = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The user an API token belongs to on `array`, or null. */
export function apiTokenUser(s: Store, array: string, token: string): string | null {
  return s.get<{ user: string }>('SELECT user FROM fa_api_tokens WHERE array = ? AND token = ?', array, token)?.user ?? null;
}

export function revokeApiToken(s: Store, array: string, token: string): void {
  if (!s.run('DELETE FROM fa_api_tokens WHERE array = ? AND token = ?', array, token)) throw notFound('API token');
}
