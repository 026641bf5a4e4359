import { isoTime } from '../api/time.js';
import type { ProtectorConfig } from '../config/index.js';
import { checkDatabaseVersion, openDatabase } from '../db/index.js';
import { Services, type ServiceStatus } from '../db/services.js';
import { formatList, type ListFormat } from './format.js';
import type { CommandResult } from './result.js';

const COLUMNS = ['ID', 'Binary', 'Host', 'PID', 'Version', 'State', 'Started At', 'Last Seen', 'Heartbeat Age (s)', 'Stopped At'] as const;

const row = (s: ServiceStatus) => [s.id, s.binary, s.host, s.pid, s.version, s.state, isoTime(s.started_at), isoTime(s.last_seen), Math.round(s.age_ms / 100) / 10, isoTime(s.stopped_at)];

/** Runs `fn` on the configured database, once it is known to hold this code's schema. */
async function withServices<T>(cfg: ProtectorConfig, fn: (s: Services) => Promise<T>): Promise<T> {
  const db = openDatabase(cfg.database.connection);
  try {
    await checkDatabaseVersion(db);
    return await fn(new Services(db));
  } finally {
    await db.destroy();
  }
}

/**
 * `protector-manage service list`: every protector-engine and protector-api process that has
 * reported a heartbeat, up or down by its age against [DEFAULT] service_down_time, as
 * `nova-manage service list` shows Nova's.
 */
export async function serviceList(cfg: ProtectorConfig, format: ListFormat): Promise<CommandResult> {
  const list = await withServices(cfg, (s) => s.list(cfg.DEFAULT.service_down_time * 1000));
  return { output: formatList({ columns: COLUMNS, rows: list.map(row) }, format), exitCode: 0 };
}

/** `protector-manage service delete ID`: forgets a process that is down for good (refused while it is up). */
export async function serviceDelete(cfg: ProtectorConfig, id: string): Promise<CommandResult> {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw new Error(`service delete: ID must be a service ID from 'protector-manage service list' (a positive integer), not '${id}'`);
  // A refusal (unknown, or still up) is thrown: protector-manage prints it on stderr and exits 1.
  const s = await withServices(cfg, (x) => x.delete(Number(id), cfg.DEFAULT.service_down_time * 1000));
  return { output: `deleted service ${s.id} (${s.binary} on ${s.host}, pid ${s.pid})\n`, exitCode: 0 };
}
