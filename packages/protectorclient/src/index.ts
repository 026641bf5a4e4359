/** @protector/protectorclient: the SDK of both sites' Protector APIs and the cross-site coordinator (DESIGN §5). */
export * from './api/index.js';
export * from './config/index.js';
export * from './coordinator/index.js';
export * from './output/format.js';
