import type { SiteReach } from '../../../src/shared/api';
import type { PgRow } from '../../../src/shared/pg-list';

/** A PG table row: active on site-a, in sync, replicated a minute ago; `over` changes what a test needs. */
export const row = (over: Partial<PgRow> = {}): PgRow => ({
  id: 'pg-1',
  name: 'app',
  status: 'active',
  replication_type: 'async',
  active_site: 'site-a',
  metadata_version: 4,
  sync: 'IN SYNC',
  read_from: 'site-a',
  members: 2,
  recovery_point: { newest: 'a:pg.1', transferred_at: '2025-01-01T00:00:00.000Z', lag_seconds: 60, rpo_minutes: 15, rpo_compliant: true },
  has_array: true,
  active_operation: null,
  drill_up: false,
  ...over,
});

export const up = (name: string): SiteReach => ({ name, logged_in: true, reachable: true, error: null });
export const down = (name: string): SiteReach => ({ name, logged_in: true, reachable: false, error: 'connection refused' });
