/**
 * @protector/contract: the v1 API's wire contract. Every request and response schema, with the
 * status codes each route answers, as TypeBox schemas and their `Static<>` types. protector-api
 * validates, serialises and documents with them; the SDK types its calls with them. It imports
 * nothing of either.
 */
export * from './common.js';
export * from './errors.js';
export * from './pagination.js';
export * from './tenant.js';
export * from './versions.js';
export * from './sites.js';
export * from './tenant-mappings.js';
export * from './protection-groups.js';
export * from './members.js';
export * from './policy.js';
export * from './resource-mappings.js';
export * from './cidr.js';
export * from './reip-rules.js';
export * from './addresses.js';
export * from './replication.js';
export * from './actions.js';
export * from './operations.js';
export * from './metadata.js';
export * from './plans.js';
export * from './run-reports.js';
