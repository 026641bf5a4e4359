/** The HTTPS transport of the FlashArray REST 2.x adapter: sessions, errors, versions. */
export { FlashArraySession, type ArrayInfo, type FlashArraySessionOptions } from './session.js';
export { ArrayCallError, classifyArrayError, type ArrayErrorItem } from './errors.js';
export type { Query } from './query.js';
export { CLIENT_REST_VERSIONS, compareVersions, MAX_REST_VERSION, MIN_REST_VERSION, negotiateVersion } from './versions.js';
