/**
 * The PG table's row actions: what each does in one line and, when it cannot run now, why, in
 * the protector API's words. A pure function of the row and both sites' reachability; the rules
 * are the engine's pre-checks (pg_state, operation_running, metadata_in_sync, source_site) and the
 * Coordinator's (every change needs both sites; an unplanned failover runs on the survivor).
 */
import type { SiteReach } from '../../../src/shared/api';
import type { PgRow } from '../../../src/shared/pg-list';
import { pgPath } from './paths';

export type PgActionId = 'test-failover' | 'test-cleanup' | 'failover' | 'unplanned-failover' | 'failback' | 'sync-now' | 'edit' | 'delete';

export interface PgAction {
  id: PgActionId;
  title: string;
  /** One line: what it does. */
  description: string;
  /** Null when it can run; else why not. */
  disabled: string | null;
  /** Where the page goes (a DR action's wizard, the edit page); null for Sync now and Delete. */
  to: string | null;
}

/** PG states each DR action may start from (the engine's ALLOWED_STATES). */
export const ALLOWED_STATES = {
  'test-failover': ['active', 'failed_over'],
  'test-cleanup': ['test_failed_over', 'testing'],
  failover: ['active'],
  'unplanned-failover': ['active', 'failing_over', 'failed_over_partial'],
  failback: ['failed_over'],
  'sync-now': ['active', 'failed_over'],
} as const satisfies Partial<Record<PgActionId, readonly string[]>>;

/** The engine's action names, as its pre-check messages say them. */
const ENGINE_NAME = { 'test-failover': 'test_failover', 'test-cleanup': 'test_cleanup', failover: 'planned_failover', 'unplanned-failover': 'unplanned_failover', failback: 'failback', 'sync-now': 'sync' } as const;

type Rule = (row: PgRow, s: Sites) => string | null;

interface Sites {
  running: SiteReach | null;
  target: SiteReach | null;
  all: SiteReach[];
}

// The banner says why a site does not answer; the reasons stay short.
const down = (s: SiteReach): string => (s.logged_in ? `${s.name} does not answer` : `not logged in to ${s.name}`);
const first = (...rules: (string | null)[]): string | null => rules.find((r) => r !== null) ?? null;

const state = (id: keyof typeof ALLOWED_STATES): Rule => (row) => {
  const allowed: readonly string[] = ALLOWED_STATES[id];
  return allowed.includes(row.status) ? null : `protection group ${row.name} is ${row.status}; ${ENGINE_NAME[id]} needs it ${allowed.join(' or ')}`;
};

const noOperation: Rule = (row) => (row.active_operation ? `operation ${row.active_operation.id} is already running on protection group ${row.name} (on ${row.active_operation.site})` : null);

/** Every change and every DR action but the unplanned failover needs both sites (DESIGN §5.1). */
const bothSites: Rule = (_row, s) => {
  const missing = s.all.find((x) => !x.reachable);
  return missing ? `this needs both sites: ${down(missing)}` : null;
};

const inSync: Rule = (row) => (row.sync === 'OUT OF SYNC' ? `protection group ${row.name} metadata version ${row.metadata_version} is out of sync with the peer site; sync it first` : null);

const rules: Record<PgActionId, Rule> = {
  'test-failover': (row, s) => first(noOperation(row, s), state('test-failover')(row, s), bothSites(row, s), inSync(row, s)),
  'test-cleanup': (row, s) => first(noOperation(row, s), state('test-cleanup')(row, s), bothSites(row, s), inSync(row, s)),
  failover: (row, s) => {
    const src = s.running && !s.running.reachable ? `site ${s.running.name} (the current primary) does not answer: a planned failover needs both sites, an unplanned failover does not` : null;
    return first(noOperation(row, s), state('failover')(row, s), src, bothSites(row, s), inSync(row, s));
  },
  // The answer to a current primary that is gone: offered only then, or to finish one that stopped half-way.
  'unplanned-failover': (row, s) => {
    const target = s.target;
    const rerun = row.status === 'failing_over' || row.status === 'failed_over_partial';
    return first(
      noOperation(row, s),
      state('unplanned-failover')(row, s),
      !target ? 'the site that would bring the workload up is not known' : target.reachable ? null : `${down(target)}: it is the site that would bring the workload up`,
      s.running?.reachable && !rerun ? `${s.running.name} (running the workload) answers: use a planned failover, which loses no data; an unplanned failover is for when it is down` : null,
    );
  },
  failback: (row, s) => first(noOperation(row, s), state('failback')(row, s), bothSites(row, s), inSync(row, s)),
  'sync-now': (row, s) =>
    first(
      noOperation(row, s),
      state('sync-now')(row, s),
      row.has_array ? null : `protection group ${row.name} has no array construct yet; wait for its creation to finish`,
      s.all.some((x) => x.reachable) ? null : 'no site answers',
    ),
  edit: (row, s) => first(row.status === 'deleting' ? `protection group ${row.name} is being deleted` : null, noOperation(row, s), bothSites(row, s), inSync(row, s)),
  delete: (row, s) =>
    first(
      row.status === 'deleting' ? `protection group ${row.name} is already being deleted` : null,
      noOperation(row, s),
      // Deleting would leave the drill's servers and volumes behind, unknown to anything.
      row.drill_up ? `a drill is up on protection group ${row.name}: clean it up first` : null,
      bothSites(row, s),
      inSync(row, s),
    ),
};

/** The row's actions in menu order, each with its description and, when it cannot run, why. */
export function pgActions(row: PgRow, sites: SiteReach[]): PgAction[] {
  const running = sites.find((x) => x.name === row.active_site) ?? null;
  const target = running ? (sites.find((x) => x !== running) ?? null) : null;
  const s: Sites = { running, target, all: sites };
  const there = target?.name ?? 'the other site';
  const here = running?.name ?? 'the current primary';
  const dr = (action: string) => pgPath(row.id, `/dr?action=${action}`);
  const list: Omit<PgAction, 'disabled'>[] = [
    { id: 'test-failover', title: 'Drill', description: `A DR drill: boot copies on ${there} from a recovery point, isolated; production keeps running.`, to: dr('test-failover') },
    { id: 'test-cleanup', title: 'Clean up drill', description: 'Remove exactly what the drill created, and report what could not be removed.', to: dr('test-cleanup') },
    { id: 'failover', title: 'Planned failover', description: `Move the workload to ${there}: stop it on ${here}, replicate the last changes, start it there; no data loss.`, to: dr('failover') },
    { id: 'unplanned-failover', title: 'Unplanned failover', description: `${here} is lost: start the workload on ${there} from the newest recovery point; later writes are lost.`, to: dr('unplanned-failover') },
    { id: 'failback', title: 'Failback', description: `Back to ${there}: resynchronise the data, then a planned failover back.`, to: dr('failback') },
    { id: 'sync-now', title: 'Sync now', description: 'Replicate now: a snapshot of every member, transferred to the other site.', to: null },
    { id: 'edit', title: 'Edit', description: 'Change the name, description, policy or resource mappings.', to: pgPath(row.id, '/edit') },
    { id: 'delete', title: 'Delete', description: 'Delete the protection group: its array construct and Cinder groups; servers and volumes are kept.', to: null },
  ];
  return list.map((a) => ({ ...a, disabled: rules[a.id](row, s) }));
}
