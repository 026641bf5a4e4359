import { MysqlAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { ReplicationGroupHandle } from '../storage/types.js';
import type { PgResources } from './protection-groups.js';
import type { Database, ReplicationStateTable } from './schema.js';

/** A transfer in flight when the state was read. */
export interface RecordedTransfer {
  recovery_point: string;
  /** 0..1. */
  progress: number;
}

/** A PG's replication state as an engine read it from the arrays at `checked_at`. */
export interface RecordedState {
  pg_id: string;
  source_array: string;
  target_array: string;
  link: 'connected' | 'down' | null;
  source_reachable: boolean | null;
  target_reachable: boolean | null;
  lag_ms: number | null;
  newest_recovery_point: string | null;
  last_transfer_at: number | null;
  transfers: RecordedTransfer[];
  detail: string;
  /** Why this PG's read failed; null when it succeeded. */
  error: string | null;
  checked_at: number;
  checked_by: string;
}

/** What health needs of one PG, read in one query for a whole project. */
export interface HealthRow {
  id: string;
  project_id: string;
  name: string;
  status: string;
  replication_type: 'async' | 'sync';
  sync_state: 'in_sync' | 'out_of_sync';
  metadata_version: number;
  /** The PG's resources document (JSON): health reads its array handle. */
  resources: string;
  created_at: number;
  rpo_minutes: number | null;
  members: number;
  state: RecordedState | null;
}

/** The lease name of the engines' background refresh of every PG's replication state. */
export const REPLICATION_REFRESH = 'replication_state';

/** Rows per upsert statement: well inside SQLite's and MariaDB's limits on bound values. */
const CHUNK = 200;

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);
const int = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

const toState = (r: Selectable<ReplicationStateTable>): RecordedState => ({
  ...r,
  link: r.link as RecordedState['link'],
  source_reachable: bool(r.source_reachable),
  target_reachable: bool(r.target_reachable),
  transfers: JSON.parse(r.transfers) as RecordedTransfer[],
});

const toRow = (s: RecordedState): Selectable<ReplicationStateTable> => ({
  ...s,
  source_reachable: int(s.source_reachable),
  target_reachable: int(s.target_reachable),
  transfers: JSON.stringify(s.transfers),
});

/** Every column an upsert replaces; `checked_at` last, since MariaDB assigns left to right and the others compare against it. */
const COLUMNS = [
  'source_array', 'target_array', 'link', 'source_reachable', 'target_reachable', 'lag_ms', 'newest_recovery_point',
  'last_transfer_at', 'transfers', 'detail', 'error', 'checked_by', 'checked_at',
] as const satisfies readonly (keyof ReplicationStateTable)[];

/**
 * The recorded replication state of every PG, written by the engines' background refresh and read
 * by health. Writes are idempotent upserts in which a newer read wins, so two engines refreshing
 * at once (or one slow one finishing late) never leave an older state over a newer one.
 */
export class ReplicationStates {
  constructor(readonly db: Kysely<Database>) {}

  /** The two upsert syntaxes differ; everything else here is portable. */
  private get mysql(): boolean {
    return this.db.getExecutor().adapter instanceof MysqlAdapter;
  }

  async record(states: RecordedState[]): Promise<void> {
    for (let i = 0; i < states.length; i += CHUNK) {
      const rows = states.slice(i, i + CHUNK).map(toRow);
      const insert = this.db.insertInto('replication_state').values(rows);
      if (this.mysql) {
        const newer = sql`VALUES(checked_at) >= checked_at`;
        const set = Object.fromEntries(
          COLUMNS.map((c) => [c, c === 'checked_at' ? sql`GREATEST(checked_at, VALUES(checked_at))` : sql`IF(${newer}, VALUES(${sql.ref(c)}), ${sql.ref(c)})`]),
        );
        await insert.onDuplicateKeyUpdate(set).execute();
      } else {
        await insert
          .onConflict((oc) =>
            oc
              .column('pg_id')
              .doUpdateSet((eb) => Object.fromEntries(COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])))
              .where('replication_state.checked_at', '<=', (eb) => eb.ref('excluded.checked_at')),
          )
          .execute();
      }
    }
  }

  async get(pgId: string): Promise<RecordedState | undefined> {
    const r = await this.db.selectFrom('replication_state').selectAll().where('pg_id', '=', pgId).executeTakeFirst();
    return r && toState(r);
  }

  /**
   * Every PG with an array construct, its handle, and whether its recorded state is due before the
   * next full refresh: never read, read before replication was reversed, or a transfer in flight.
   */
  async arrayHandles(): Promise<{ id: string; handle: ReplicationGroupHandle; due: boolean }[]> {
    const rows = await this.db
      .selectFrom('protection_groups as pg')
      .leftJoin('replication_state as st', 'st.pg_id', 'pg.id')
      .select(['pg.id', 'pg.resources', 'st.source_array', 'st.target_array', 'st.transfers'])
      .orderBy('pg.id')
      .execute();
    return rows.flatMap((r) => {
      const handle = (JSON.parse(r.resources) as PgResources).array;
      if (!handle) return [];
      const due = r.source_array !== handle.sourceArray || r.target_array !== handle.targetArray || (r.transfers !== null && r.transfers !== '[]');
      return [{ id: r.id, handle, due }];
    });
  }

  /** Removes the states of PGs that no longer exist; returns how many. */
  async prune(): Promise<number> {
    const r = await this.db
      .deleteFrom('replication_state')
      .where('pg_id', 'not in', (eb) => eb.selectFrom('protection_groups').select('id'))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Takes the lease `name` for `owner` until `now + ttlMs` when nobody holds an unexpired one (or
   * `owner` does): one conditional update, so of several engines asking at once exactly one gets it.
   */
  async claim(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('refresh_leases')
      .set({ owner, expires_at: now + ttlMs })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('owner', '=', owner)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Per PG of a project (every project when undefined), what health answers from, in pages of
   * `size` PGs (one query each, in creation order): a caller can let other requests run between
   * pages instead of holding the event loop for the whole list.
   */
  async *healthPages(projectId: string | undefined, size: number): AsyncGenerator<HealthRow[]> {
    let after: { created_at: number; id: string } | undefined;
    for (;;) {
      const page = await this.healthPage(projectId, size, after);
      if (page.rows.length > 0) yield page.rows;
      if (page.rows.length < size) return;
      after = page.last;
    }
  }

  private async healthPage(projectId: string | undefined, size: number, after: { created_at: number; id: string } | undefined): Promise<{ rows: HealthRow[]; last: { created_at: number; id: string } }> {
    let q = this.db
      .selectFrom('protection_groups as pg')
      .leftJoin('replication_policies as pol', 'pol.pg_id', 'pg.id')
      .leftJoin('replication_state as st', 'st.pg_id', 'pg.id')
      .select((eb) => [
        'pg.id', 'pg.project_id', 'pg.name', 'pg.status', 'pg.replication_type', 'pg.sync_state', 'pg.metadata_version', 'pg.resources', 'pg.created_at',
        'pol.rpo_minutes',
        eb.selectFrom('members as m').select((m) => m.fn.countAll<number>().as('n')).whereRef('m.pg_id', '=', 'pg.id').as('members'),
        'st.pg_id as st_pg_id', 'st.source_array', 'st.target_array', 'st.link', 'st.source_reachable', 'st.target_reachable', 'st.lag_ms',
        'st.newest_recovery_point', 'st.last_transfer_at', 'st.transfers', 'st.detail', 'st.error', 'st.checked_at', 'st.checked_by',
      ]);
    if (projectId !== undefined) q = q.where('pg.project_id', '=', projectId);
    if (after) q = q.where((eb) => eb.or([eb('pg.created_at', '>', after.created_at), eb.and([eb('pg.created_at', '=', after.created_at), eb('pg.id', '>', after.id)])]));
    const rows = await q.orderBy('pg.created_at').orderBy('pg.id').limit(size).execute();
    const tail = rows.at(-1);
    return { rows: rows.map(toHealthRow), last: { created_at: tail?.created_at ?? 0, id: tail?.id ?? '' } };
  }
}

/** A joined row of healthPage: the PG's columns, its policy's RPO, its member count, and its state's columns when recorded. */
type JoinedRow = Omit<HealthRow, 'members' | 'state'> & { members: number | string | null; st_pg_id: string | null } & {
  [K in Exclude<keyof ReplicationStateTable, 'pg_id'>]: ReplicationStateTable[K] | null;
};

// Built field by field: this runs for every PG of every health request.
function toHealthRow(r: JoinedRow): HealthRow {
  return {
    id: r.id,
    project_id: r.project_id,
    name: r.name,
    status: r.status,
    replication_type: r.replication_type,
    sync_state: r.sync_state,
    metadata_version: r.metadata_version,
    resources: r.resources,
    created_at: r.created_at,
    rpo_minutes: r.rpo_minutes,
    members: Number(r.members ?? 0),
    state:
      r.st_pg_id === null
        ? null
        : {
            pg_id: r.st_pg_id,
            source_array: r.source_array!,
            target_array: r.target_array!,
            link: r.link as RecordedState['link'],
            source_reachable: bool(r.source_reachable),
            target_reachable: bool(r.target_reachable),
            lag_ms: r.lag_ms,
            newest_recovery_point: r.newest_recovery_point,
            last_transfer_at: r.last_transfer_at,
            transfers: JSON.parse(r.transfers!) as RecordedTransfer[],
            detail: r.detail!,
            error: r.error,
            checked_at: r.checked_at!,
            checked_by: r.checked_by!,
          },
  };
}
