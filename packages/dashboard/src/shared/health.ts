/** The health page's JSON (GET /api/health): each site's own health answer, per PG. */
import type { PgHealth } from '@protector/contract';
import type { SiteReach } from './api.js';

export interface SiteHealth extends SiteReach {
  /** The protector API's health of this site (null: it did not answer; `error` says why). */
  health: PgHealth[] | null;
}

export interface HealthView {
  sites: SiteHealth[];
}
