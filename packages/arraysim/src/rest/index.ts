export { createArrayRestApp, type ArrayRestOptions } from './app.js';
export { ArrayRestClient, serveArrayRest, type CallOptions, type RestAnswer } from './client.js';
export { API_VERSIONS, LATEST_VERSION } from './versions.js';
