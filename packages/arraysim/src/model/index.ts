export { ArrayModel, type ArrayModelOptions, type PgSnapshotOptions, type TickResult } from './model.js';
export { ArrayError, type ArrayErrorCode } from './errors.js';
export { BLOCK_SIZE } from './content.js';
export { ERADICATION_DELAY_MS } from './store.js';
export { PURITY_VERSION, type ConnectOptions } from './arrays.js';
export type { ProtectionGroupSettings } from './protection-groups.js';
export type { PodChange } from './pods.js';
export { expired as retentionExpired } from './retention.js';
export type * from './records.js';
