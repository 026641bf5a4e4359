/**
 * The dashboard's JSON API as the pages see it: the server answers these shapes and the pages
 * type their reads with them (type-only imports; nothing here runs in the browser).
 */

/** The sync column of the pages, in the CLI's words. */
export type SyncWord = 'IN SYNC' | 'OUT OF SYNC' | 'UNREACHABLE';

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** What the login page needs before anyone is logged in. */
export interface DashboardConfig {
  sites: string[];
}

export interface SessionSite {
  name: string;
  logged_in: boolean;
  expires_at: string | null;
  project: string | null;
  roles: string[];
}

export interface SessionView {
  user: string | null;
  csrf_token: string;
  /** True when the user holds the admin role on a logged-in site: admin pages are shown. */
  is_admin: boolean;
  sites: SessionSite[];
}

export interface LoginFailure {
  site: string;
  error: string;
}

export interface LoginResult extends SessionView {
  failures: LoginFailure[];
}

export interface SiteReach {
  name: string;
  logged_in: boolean;
  reachable: boolean;
  error: string | null;
}

// The overview's and the PG table's shapes live beside their pages' other types.
export type { OverviewView } from './overview.js';
export type { PgListView, PgRow } from './pg-list.js';
