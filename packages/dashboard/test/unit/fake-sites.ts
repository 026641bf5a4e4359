import type { PgHealth, ProtectionGroup, SiteHandle } from '@protector/protectorclient';
import type { PairSite } from '../../src/server/pair.js';

/** A PG copy as a site lists it (only the fields the dashboard reads matter). */
export const pgCopy = (i: number, over: Partial<ProtectionGroup> = {}): ProtectionGroup =>
  ({
    id: `pg-${i}`,
    project_id: 'demo',
    name: `pg-${String(i).padStart(3, '0')}`,
    description: '',
    replication_type: 'async',
    status: 'active',
    primary_site_id: 'a-self',
    secondary_site_id: 'a-peer',
    current_primary_site_id: 'a-self',
    metadata_version: 3,
    sync_state: 'in_sync',
    active_operation_id: null,
    resources: { sites: {}, array: { type: 'async', name: `g${i}`, source_array: 'a', target_array: 'b' } },
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...over,
  }) as ProtectionGroup;

export interface FakeSite {
  pair: PairSite;
  calls: string[];
  /** Most calls in flight at once. */
  peak: () => number;
}

/**
 * One site's SDK as the dashboard's reads use it, every call taking `latencyMs` (a site across a
 * network), recorded; `down` makes each call fail as an unreachable site does.
 */
export function fakeSite(name: string, o: { selfId: string; pgs: ProtectionGroup[]; members?: number; health?: Partial<PgHealth>; latencyMs?: number; down?: boolean; extra?: Record<string, unknown> }): FakeSite {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const call = async <T>(what: string, answer: () => T): Promise<T> => {
    calls.push(what);
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      await new Promise((r) => setTimeout(r, o.latencyMs ?? 1));
      if (o.down) throw new Error(`site ${name} (Protector at http://127.0.0.1:9) is unreachable: connection refused`);
      return answer();
    } finally {
      inFlight--;
    }
  };
  const health = (p: ProtectionGroup): PgHealth => ({
    protection_group_id: p.id,
    name: p.name,
    status: p.status,
    replication_type: p.replication_type,
    link: 'connected',
    lag_seconds: 120,
    newest_recovery_point: `a:${p.name}.1`,
    last_transfer_at: '2025-01-01T00:00:00.000Z',
    rpo_minutes: 15,
    rpo_compliant: true,
    failover_ready: true,
    reasons: [],
    transfer_in_progress: false,
    checked_at: '2025-01-01T00:00:10.000000',
    state_age_seconds: 12,
    stale: false,
    state_error: null,
    ...o.health,
  });
  const client = {
    protectionGroups: { list: () => call('pg.list', () => o.pgs) },
    members: { list: (id: string) => call(`members.list ${id}`, () => Array.from({ length: o.members ?? 2 }, (_, i) => ({ server_id: `s${i}` }))) },
    health: { get: () => call('health', () => o.pgs.map(health)) },
    metadata: { syncStatus: (id: string) => call(`sync-status ${id}`, () => ({ site_id: o.selfId })) },
    ...o.extra,
  };
  return { pair: { name, handle: { name, client } as unknown as SiteHandle }, calls, peak: () => peak };
}
