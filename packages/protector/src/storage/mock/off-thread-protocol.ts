import type { ArrayPort } from '../flasharray/port.js';

/**
 * The messages between an off-thread mock driver and its worker (model-worker.ts): one array-port
 * call each way. Values cross by structured clone (plain records, arrays, Maps); errors as their
 * StorageError code and message.
 */
export const PORT_METHODS = [
  'getArray', 'listConnections', 'getVolume', 'listPodVolumes', 'copyVolume', 'moveVolume', 'destroyVolume', 'eradicateVolume',
  'getProtectionGroup', 'createProtectionGroup', 'updateProtectionGroup', 'destroyProtectionGroup', 'eradicateProtectionGroup',
  'listGroupVolumes', 'addGroupVolumes', 'removeGroupVolumes', 'listGroupTargets', 'addGroupTargets', 'allowReplicaGroup',
  'snapshotGroup', 'getGroupSnapshot', 'listGroupSnapshots', 'listSnapshotsOfGroups', 'listTransfers', 'listSnapshotVolumes',
  'destroyGroupSnapshot', 'eradicateGroupSnapshot', 'getPod', 'listPods', 'createPod', 'setPodPreferences', 'stretchPod',
  'unstretchPod', 'destroyPod', 'eradicatePod',
] as const satisfies readonly (keyof ArrayPort)[];

export type PortMethod = (typeof PORT_METHODS)[number];

// A port method missing from the list above fails compilation here, rather than at its first call.
type Unlisted = Exclude<keyof ArrayPort, PortMethod | 'name' | 'close'>;
export const EVERY_METHOD_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

/** What the worker is started with. */
export interface WorkerSetup {
  path: string;
  arrays: string[];
}

/** `close`: close the model and answer; the caller then ends the thread. */
export type ToWorker = { type: 'call'; id: number; array: string; method: PortMethod; args: unknown[] } | { type: 'close'; id: number };

export type FromWorker = { type: 'answer'; id: number; value: unknown } | { type: 'failed'; id: number; code: string; message: string };
