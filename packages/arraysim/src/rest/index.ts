export { createArrayRestApp, type ArrayRestOptions } from './app.js';
export { ArrayRestClient, serveArrayRest, type ArrayRestClientOptions, type CallOptions, type RestAnswer, type ServeOptions } from './client.js';
export type { RateLimit } from './rate-limit.js';
export { createSelfSignedTls, ensureCaFiles, type ArrayTls, type TlsOptions } from './tls.js';
export { API_VERSIONS, LATEST_VERSION } from './versions.js';
