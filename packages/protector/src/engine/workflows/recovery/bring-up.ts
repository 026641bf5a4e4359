import type { WorkflowContext } from '../../context.js';
import type { MappingOverride } from '../../operation-types.js';
import type { OperationRecord } from '../../operations.js';
import type { ActionKind } from '../../prechecks/index.js';
import type { Step } from '../../workflow.js';
import { runSites } from './phases.js';
import { createPorts, prepareDrillNetwork } from './ports.js';
import type { RecordKey } from './record.js';
import { bootServers } from './servers.js';
import { manageVolumes, restoreVolumes } from './volumes.js';

export interface BringUpOptions {
  action: ActionKind;
  overrides?: readonly MappingOverride[];
  /** Planned failover and failback stop at the first server that does not come up. */
  strict: boolean;
  bootTimeoutSeconds?: number;
  /** Drill only: the tenant's test network; without it an isolated one is created. */
  drill?: { networkId?: string };
}

/**
 * The steps that bring a PG up on the target from the run's recovery point: volumes restored
 * and managed (into the PG's Cinder group when failing over), the drill's network, ports,
 * servers in boot tiers. The same for failover, failback and the drill; `key` says which record
 * keeps what they create.
 */
export function bringUpSteps(ctx: WorkflowContext, op: OperationRecord, key: RecordKey, o: BringUpOptions): Step[] {
  const base = { action: o.action, overrides: o.overrides };
  return [
    { name: 'restore_volumes', run: (sc) => restoreVolumes(ctx, op, key, { ...base, sites: runSites(sc.completed) }) },
    { name: 'manage_volumes', run: (sc) => manageVolumes(ctx, op, key, { ...base, sites: runSites(sc.completed), addToGroup: !o.drill }, sc) },
    ...(o.drill ? [{ name: 'prepare_network', run: (sc) => prepareDrillNetwork(ctx, op, { ...base, sites: runSites(sc.completed), networkId: o.drill?.networkId }) } satisfies Step] : []),
    { name: 'create_ports', run: (sc) => createPorts(ctx, op, key, { ...base, sites: runSites(sc.completed), drillNetwork: sc.completed.get('prepare_network') }) },
    { name: 'boot_servers', run: (sc) => bootServers(ctx, op, key, { ...base, sites: runSites(sc.completed), strict: o.strict, timeoutSeconds: o.bootTimeoutSeconds }, sc) },
  ];
}
