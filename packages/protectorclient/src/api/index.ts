/** The typed SDK of one site's Protector v1 API. */
export { ProtectorClient, type ProtectorClientOptions } from './client.js';
export {
  ProtectorTransport,
  splitEndpoint,
  negotiateVersion,
  seg,
  PROTECTOR_SERVICE_TYPE,
  CLIENT_MIN_VERSION,
  CLIENT_MAX_VERSION,
  type ProtectorTransportOptions,
  type ListPage,
  type PageQuery,
  type Query,
} from './transport.js';
export {
  ProtectorApiError,
  ProtectorUnreachableError,
  ProtectorVersionError,
  OperationWaitAbandonedError,
  OperationWaitTimeoutError,
  OperationSiteUnreachableError,
  isProtectorApiError,
  isProtectorUnreachable,
  toProtectorError,
  type ApiErrorBody,
  type ProtectorApiErrorInit,
} from './errors.js';
export { isSiteDown, waitForOperation, type WaitForOperationOptions } from './wait.js';
export { VersionsApi, type VersionDocument, type VersionsDocument } from './versions.js';
export type { ListOptions, ReplicationType, Timestamp } from './common.js';
export * from './sites.js';
export * from './tenant-mappings.js';
export * from './protection-groups.js';
export * from './members.js';
export * from './policy.js';
export * from './resource-mappings.js';
export * from './metadata.js';
export * from './recovery-points.js';
export * from './recovery-plans.js';
export * from './actions.js';
export * from './operations.js';
export * from './health.js';
