/** @protector/dashboard: protector-dashboard's server (the pages come with issue [9]). */
export { buildDashboardApp, COOKIE, type DashboardOptions, type PgRow, type SyncWord } from './app.js';
export { Sessions, type DashboardSession, type LoginInput } from './sessions.js';
export { loadSitePair, SitePairError, type DashboardSite } from './site-pair.js';
