/** @protector/dashboard: protector-dashboard's server and the JSON API its pages read. */
export { buildDashboardApp, COOKIE, type DashboardOptions } from './app.js';
export type * from '../shared/api.js';
export { Sessions, type DashboardSession, type LoginInput } from './sessions.js';
export { loadSitePair, SitePairError, type DashboardSite } from './site-pair.js';
export { registerStatic, WEB_ROOT } from './static.js';
