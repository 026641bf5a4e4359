import type { Kysely, Selectable } from 'kysely';
import type { Database, ServicesTable } from './schema.js';

/** The processes that report a heartbeat. */
export const SERVICE_BINARIES = ['protector-api', 'protector-engine'] as const;
export type ServiceBinary = (typeof SERVICE_BINARIES)[number];

/** Who a process is: the name it reports its heartbeat under. */
export interface ServiceIdentity {
  host: string;
  binary: ServiceBinary;
  pid: number;
  version: string;
}

export interface ServiceStatus extends Selectable<ServicesTable> {
  /** up: a heartbeat within service_down_time and no graceful stop since; down otherwise. */
  state: 'up' | 'down';
  /** Milliseconds since the last heartbeat. */
  age_ms: number;
}

/** Whether a service is up: seen within `downAfterMs` and not stopped, as Nova's servicegroup decides. */
export const serviceState = (s: Pick<ServicesTable, 'last_seen' | 'stopped_at'>, now: number, downAfterMs: number): 'up' | 'down' =>
  s.stopped_at === null && now - s.last_seen <= downAfterMs ? 'up' : 'down';

/** A refused `service delete`: unknown id, or a service still up. */
export class ServiceDeleteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceDeleteRefused';
  }
}

/** The services table: each process's row and heartbeat (DESIGN §3, scale-out). */
export class Services {
  constructor(
    readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records the process as started and returns its row's id. A row of the same host, binary and
   * pid (left by the process this one replaced, in a container where pids repeat) is taken back
   * rather than duplicated. Only this process writes that row, so update-then-insert cannot race.
   */
  async register(me: ServiceIdentity): Promise<number> {
    const now = this.now();
    const found = await this.db.selectFrom('services').select('id').where('host', '=', me.host).where('binary', '=', me.binary).where('pid', '=', me.pid).executeTakeFirst();
    if (found) {
      await this.db.updateTable('services').set({ version: me.version, started_at: now, last_seen: now, stopped_at: null }).where('id', '=', found.id).execute();
      return found.id;
    }
    const r = await this.db.insertInto('services').values({ ...me, started_at: now, last_seen: now, stopped_at: null }).executeTakeFirstOrThrow();
    return Number(r.insertId);
  }

  /** A heartbeat; false when the row is gone (deleted by an operator), so the caller registers again. */
  async beat(id: number): Promise<boolean> {
    const r = await this.db.updateTable('services').set({ last_seen: this.now(), stopped_at: null }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A graceful stop: the service is listed down at once rather than after service_down_time. */
  async stopped(id: number): Promise<void> {
    const now = this.now();
    await this.db.updateTable('services').set({ last_seen: now, stopped_at: now }).where('id', '=', id).execute();
  }

  /** Every service, by binary then host, with its state as of now. */
  async list(downAfterMs: number): Promise<ServiceStatus[]> {
    const now = this.now();
    const rows = await this.db.selectFrom('services').selectAll().orderBy('binary').orderBy('host').orderBy('pid').execute();
    return rows.map((r) => ({ ...r, state: serviceState(r, now, downAfterMs), age_ms: Math.max(0, now - r.last_seen) }));
  }

  /** Forgets a service that is down (a process gone for good); one that is up would only come back. */
  async delete(id: number, downAfterMs: number): Promise<ServiceStatus> {
    const s = (await this.list(downAfterMs)).find((x) => x.id === id);
    if (!s) throw new ServiceDeleteRefused(`service ${id} does not exist`);
    if (s.state === 'up') {
      throw new ServiceDeleteRefused(`service ${id} (${s.binary} on ${s.host}, pid ${s.pid}) is up: its heartbeat is ${(s.age_ms / 1000).toFixed(1)} s old; stop it first`);
    }
    // Conditional on still being down: a heartbeat arriving meanwhile keeps the row.
    const r = await this.db
      .deleteFrom('services')
      .where('id', '=', id)
      .where((eb) => eb.or([eb('stopped_at', 'is not', null), eb('last_seen', '<', this.now() - downAfterMs)]))
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw new ServiceDeleteRefused(`service ${id} (${s.binary} on ${s.host}, pid ${s.pid}) has just reported a heartbeat: it is up`);
    return s;
  }
}
