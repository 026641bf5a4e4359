import type { MappingKind, Member, ProtectionGroup } from '../../../db/protection-groups.js';
import type { SiteClients } from '@protector/openstack';
import type { MappingOverride } from '../../operation-types.js';
import { checkInput, resolveAll, targetFlavor, type ActionKind, type CheckInput } from '../../prechecks/index.js';
import { StepError } from '../../workflow.js';
import type { StepState } from '../flow.js';
import { sitesOf, type AfterPrecheck } from './precheck.js';

/**
 * What the steps that bring a PG up on the other site work from, resolved the way the
 * pre-checks resolved it (same rule, same overrides): so a step never meets a mapping the
 * pre-checks did not see.
 */
export interface RecoveryPlan {
  pg: ProtectionGroup;
  members: Member[];
  sourceSiteId: string;
  targetSiteId: string;
  input: CheckInput;
  /** The target's id (or name, for the kinds matched by name) for a source resource; StepError when unmapped. */
  target(kind: MappingKind, sourceId: string): Promise<string>;
  /** The target flavor's id for a member. */
  flavorId(m: Member): Promise<string>;
  /** Starts resolving the mappings (a few lists on the target) beside other reads; a failure is the first `target` call's to report. */
  resolveEarly(): void;
  /** The tenant's clients on the target (through the trust). */
  tenant(): Promise<SiteClients>;
  /** The service's own clients on the target (admin: backend hosts, eradication). */
  admin(): Promise<SiteClients>;
}

/** How a DR run resolves what it brings up: the pre-checks' action and the run's mapping overrides. */
export interface PlanOptions {
  action: ActionKind;
  overrides?: readonly MappingOverride[];
}

/** A DR step's state: the pre-check ran before it. */
export type RecoveryState = StepState<unknown, AfterPrecheck>;

/** The plan for the PG as this step attempt read it, between the sites the pre-check recorded (a step after the role swap must not see them swapped). */
export async function planFor(s: RecoveryState, opts: PlanOptions): Promise<RecoveryPlan> {
  const { ctx, pg } = s;
  const sites = sitesOf(s.out.precheck);
  const view = pg.current_primary_site_id !== sites.sourceSiteId ? { ...pg, current_primary_site_id: sites.sourceSiteId } : pg;
  const input = await checkInput(ctx, { action: opts.action, pg: view, operationId: s.opId, overrides: opts.overrides });
  const target = async (kind: MappingKind, sourceId: string): Promise<string> => {
    const r = (await resolveAll(ctx, input)).find((x) => x.kind === kind && (x.sourceId === sourceId || x.label === sourceId));
    if (!r?.target) throw new StepError(`no ${kind.replace('_', ' ')} mapping for ${sourceId} to the target site`, { kind, source_id: sourceId });
    return r.target.id;
  };
  return {
    pg,
    members: input.members,
    sourceSiteId: input.sourceSiteId,
    targetSiteId: input.targetSiteId,
    input,
    target,
    async flavorId(m) {
      const mapped = await target('flavor', m.details.flavor_id || m.details.flavor_name);
      const f = await targetFlavor(ctx, input, mapped);
      if (!f) throw new StepError(`flavor ${mapped} (for server ${m.name}) does not exist on the target site`, { server_id: m.server_id });
      return f.id;
    },
    resolveEarly: () => void resolveAll(ctx, input).catch(() => undefined),
    tenant: () => input.memo('tenant', () => ctx.clientsFor(input.targetSiteId, { asTenantOf: pg })),
    admin: () => input.memo('admin', () => ctx.clientsFor(input.targetSiteId)),
  };
}

/**
 * Between two lists of a step's batch wait (servers booting or stopping, volumes being managed):
 * one list per step whatever its size, so it can be short, and the wait notices within this of
 * the cloud (a slow list stretches it, see BatchWait).
 */
export const LIST_POLL_MS = 100;

/** Members grouped by boot order, lowest first (a tier boots only after the one before is up). */
export function tiers(members: readonly Member[]): Member[][] {
  const by = new Map<number, Member[]>();
  for (const m of members) by.set(m.boot_order, [...(by.get(m.boot_order) ?? []), m]);
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, ms]) => ms);
}

/** The short operation id used in the names of what a run creates. */
export const shortId = (opId: string): string => opId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
