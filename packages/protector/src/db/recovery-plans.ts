import type { CommitWindow, PlanHook, PlanHookInput, PlanTier } from '@protector/contract';
import type { SecretBox } from './secrets.js';
import type { Kysely, Selectable } from 'kysely';
import { keysetPage, type PageRequest, type PageRows } from './keyset.js';
import { transact } from './retry.js';
import type { Database, RecoveryPlansTable } from './schema.js';

/** What plan lists sort by. */
export const PLAN_SORT_KEYS = ['created_at', 'name', 'updated_at'] as const;
export type PlanSortKey = (typeof PLAN_SORT_KEYS)[number];

/** A hook as stored: its secret sealed. */
export type StoredHook = PlanHook & { secret: string };

export interface RecoveryPlanRecord extends Omit<Selectable<RecoveryPlansTable>, 'tiers' | 'hooks' | 'commit_window'> {
  tiers: PlanTier[];
  hooks: StoredHook[];
  commit_window: CommitWindow | null;
}

const toPlan = (r: Selectable<RecoveryPlansTable>): RecoveryPlanRecord => ({
  ...r,
  tiers: JSON.parse(r.tiers) as PlanTier[],
  hooks: JSON.parse(r.hooks) as StoredHook[],
  commit_window: r.commit_window === null ? null : (JSON.parse(r.commit_window) as CommitWindow),
});

/** The stored form of a commit policy; undefined keeps the stored one on a change. */
const windowColumn = (w: CommitWindow | null | undefined): string | null | undefined => (w === undefined ? undefined : w === null ? null : JSON.stringify(w));

/** A hook without its secret: what the API shows and a run records. */
export const publicHook = ({ secret: _s, ...h }: StoredHook | PlanHookInput): PlanHook => h;

/** A new hook has no secret to keep (the API answers 400 naming it). */
export class HookSecretMissing extends Error {
  constructor(readonly index: number, readonly hook: string) {
    super(`hook '${hook}' is new: give its secret`);
    this.name = 'HookSecretMissing';
  }
}

/** The plan changed since the caller read it, or a copy is older than this site's (the API answers 409). */
export class PlanVersionConflict extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'PlanVersionConflict';
  }
}

/** What a plan holds that the user decides. */
export interface PlanContent {
  name: string;
  description: string;
  tiers: PlanTier[];
  /** As given: a secret sealed here, or kept from the stored hook of the same name when omitted. */
  hooks?: PlanHookInput[];
  /** Null clears it; omitted on a change, the stored one stays. */
  commit_window?: CommitWindow | null;
}

/** Recovery plans (DESIGN §6): per project, versioned; a run holds its plan, one at a time. */
export class RecoveryPlans {
  constructor(
    readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  /** The hooks to store: each given secret sealed, an omitted one kept from `current` (a hook of that name). */
  private sealHooks(given: readonly PlanHookInput[] | undefined, current: readonly StoredHook[]): string {
    if (given === undefined) return JSON.stringify(current);
    return JSON.stringify(
      given.map((h, i): StoredHook => {
        const secret = h.secret !== undefined ? this.box.seal(h.secret) : current.find((c) => c.name === h.name)?.secret;
        if (secret === undefined) throw new HookSecretMissing(i, h.name);
        return { ...publicHook(h), secret };
      }),
    );
  }

  /** A hook's secret, opened (the engine signs with it). */
  openSecret(h: StoredHook): string {
    return this.box.open(h.secret);
  }

  async get(id: string, projectId: string): Promise<RecoveryPlanRecord | undefined> {
    const r = await this.db.selectFrom('recovery_plans').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    return r && toPlan(r);
  }

  async findByName(projectId: string, name: string): Promise<RecoveryPlanRecord | undefined> {
    const r = await this.db.selectFrom('recovery_plans').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
    return r && toPlan(r);
  }

  async page(projectId: string, filter: { name?: string }, p: PageRequest<PlanSortKey>): Promise<PageRows<RecoveryPlanRecord> | undefined> {
    let q = this.db.selectFrom('recovery_plans').selectAll().where('project_id', '=', projectId);
    if (filter.name !== undefined) q = q.where('name', '=', filter.name);
    const page = await keysetPage(q, p);
    return page && { rows: page.rows.map(toPlan), more: page.more };
  }

  /** The plans of a project that name a protection group in a tier. */
  async naming(projectId: string, pgId: string): Promise<RecoveryPlanRecord[]> {
    const rows = await this.db.selectFrom('recovery_plans').selectAll().where('project_id', '=', projectId).execute();
    return rows.map(toPlan).filter((p) => p.tiers.some((t) => t.protection_groups.includes(pgId)));
  }

  async create(id: string, projectId: string, c: PlanContent, version = 1): Promise<RecoveryPlanRecord> {
    const now = this.now();
    await this.db
      .insertInto('recovery_plans')
      .values({ id, project_id: projectId, name: c.name, description: c.description, version, tiers: JSON.stringify(c.tiers), hooks: this.sealHooks(c.hooks ?? [], []), commit_window: windowColumn(c.commit_window) ?? null, active_run_id: null, created_at: now, updated_at: now })
      .execute();
    return (await this.get(id, projectId)) as RecoveryPlanRecord;
  }

  /** A new version with `c`; refused when `expected` is given and is not the stored version. */
  async update(id: string, projectId: string, c: PlanContent, expected?: number): Promise<RecoveryPlanRecord> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      const cur = await tx.selectFrom('recovery_plans').select(['version', 'hooks']).where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      if (!cur) return;
      if (expected !== undefined && expected !== cur.version) throw new PlanVersionConflict(`Recovery plan ${id} is at version ${cur.version}, not ${expected}; read it again and repeat the change.`);
      await tx
        .updateTable('recovery_plans')
        .set({ name: c.name, description: c.description, tiers: JSON.stringify(c.tiers), hooks: this.sealHooks(c.hooks, JSON.parse(cur.hooks) as StoredHook[]), commit_window: windowColumn(c.commit_window), version: cur.version + 1, updated_at: now })
        .where('id', '=', id)
        .where('version', '=', cur.version)
        .execute();
    });
    return (await this.get(id, projectId)) as RecoveryPlanRecord;
  }

  /**
   * Stores the other site's version: created with its id when absent, replaced when it is newer,
   * kept when it is the same. Refused when this site's is newer, or differs at the same version
   * (both sites changed it: never merged silently).
   */
  async storeCopy(id: string, projectId: string, c: PlanContent, version: number): Promise<RecoveryPlanRecord> {
    const now = this.now();
    await transact(this.db, async (tx) => {
      const cur = await tx.selectFrom('recovery_plans').selectAll().where('id', '=', id).executeTakeFirst();
      if (!cur) {
        await tx.insertInto('recovery_plans').values({ id, project_id: projectId, name: c.name, description: c.description, version, tiers: JSON.stringify(c.tiers), hooks: this.sealHooks(c.hooks ?? [], []), commit_window: windowColumn(c.commit_window) ?? null, active_run_id: null, created_at: now, updated_at: now }).execute();
        return;
      }
      const stored = JSON.parse(cur.hooks) as StoredHook[];
      if (cur.project_id !== projectId) throw new PlanVersionConflict(`Recovery plan ${id} belongs to another project on this site.`);
      // Secrets aside: each site seals its own, and a copy may leave them out.
      const sameHooks = JSON.stringify(stored.map(publicHook)) === JSON.stringify((c.hooks ?? stored).map(publicHook));
      const window = windowColumn(c.commit_window) ?? null;
      const same = cur.name === c.name && cur.description === c.description && cur.tiers === JSON.stringify(c.tiers) && sameHooks && cur.commit_window === window;
      if (cur.version > version) throw new PlanVersionConflict(`This site holds version ${cur.version} of recovery plan ${id}, newer than the copy's ${version}.`);
      if (cur.version === version) {
        if (!same) throw new PlanVersionConflict(`Recovery plan ${id} differs between the sites at version ${version}: both were changed; update it on one site to make a new version.`);
        return;
      }
      await tx.updateTable('recovery_plans').set({ name: c.name, description: c.description, tiers: JSON.stringify(c.tiers), hooks: this.sealHooks(c.hooks, stored), commit_window: window, version, updated_at: now }).where('id', '=', id).execute();
    });
    return (await this.get(id, projectId)) as RecoveryPlanRecord;
  }

  /** False when a run holds it (it stays). */
  async delete(id: string, projectId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('recovery_plans').where('id', '=', id).where('project_id', '=', projectId).where('active_run_id', 'is', null).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }
}
