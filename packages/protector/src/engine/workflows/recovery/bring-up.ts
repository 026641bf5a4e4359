import type { Flow } from '../flow.js';
import type { PlanOptions } from './plan.js';
import { createPorts, prepareDrillNetwork } from './ports.js';
import type { AfterPrecheck } from './precheck.js';
import type { RecordKey } from './record.js';
import { bootServers } from './servers.js';
import { manageVolumes, restoreVolumes } from './volumes.js';

export interface BringUpOptions extends PlanOptions {
  /** Planned failover and failback stop at the first server that does not come up. */
  strict: boolean;
  bootTimeoutSeconds?: number;
  /** Drill only: the tenant's test network; without it an isolated one is created. */
  drill?: { networkId?: string };
}

/**
 * The steps that bring a PG up on the target from the run's recovery point, the same for
 * failover, failback and the drill: restore_volumes, manage_volumes (into the PG's Cinder group
 * when failing over), prepare_network (the drill's only), create_ports, boot_servers (in boot
 * tiers). `key` says which record keeps what they create.
 */
export const bringUp =
  (key: RecordKey, o: BringUpOptions) =>
  <P, O extends AfterPrecheck>(flow: Flow<P, O>) =>
    flow
      .step('restore_volumes', (s) => restoreVolumes(s, key, o))
      .step('manage_volumes', (s) => manageVolumes(s, key, { ...o, addToGroup: !o.drill }))
      .stepIf(o.drill !== undefined, 'prepare_network', (s) => prepareDrillNetwork(s, { ...o, networkId: o.drill?.networkId }))
      .step('create_ports', (s) => createPorts(s, key, { ...o, drillNetwork: s.out.prepare_network }))
      .step('boot_servers', (s) => bootServers(s, key, { ...o, strict: o.strict, timeoutSeconds: o.bootTimeoutSeconds }));
