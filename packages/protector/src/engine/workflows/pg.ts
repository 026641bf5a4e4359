import type { PgResources, PgSiteResources, ProtectionGroup } from '../../db/protection-groups.js';
import type { WorkflowContext } from '../context.js';

/** What the workflows record on the PG's row as they go. */

/** One of the PG's two sites, by role. */
export type Which = 'primary' | 'secondary';
export const siteOf = (pg: ProtectionGroup, which: Which): string => (which === 'primary' ? pg.primary_site_id : pg.secondary_site_id);

/**
 * A change to what the PG's metadata document holds (DESIGN §5): version + 1 and out_of_sync,
 * so the client pushes the new document to the peer (and the site refuses further changes
 * until it has).
 */
export async function documentChanged(ctx: WorkflowContext, pgId: string, change: Parameters<WorkflowContext['pgs']['update']>[1] = {}): Promise<ProtectionGroup | undefined> {
  return ctx.pgs.update(pgId, { ...change, sync_state: 'out_of_sync' }, { bumpVersion: true });
}

/** Records what a step did on one site before the workflow moves on. */
export async function setSiteResources(ctx: WorkflowContext, pgId: string, siteId: string, change: Partial<PgSiteResources>): Promise<PgResources> {
  return ctx.pgs.setResources(pgId, (r) => ({ ...r, sites: { ...r.sites, [siteId]: { ...r.sites[siteId], ...change } } }));
}

/** Drops recorded ids of one site (after deleting what they name). */
export async function clearSiteResources(ctx: WorkflowContext, pgId: string, siteId: string, keys: (keyof PgSiteResources)[]): Promise<void> {
  await ctx.pgs.setResources(pgId, (r) => {
    const site: PgSiteResources = { ...r.sites[siteId] };
    for (const k of keys) delete site[k];
    return { ...r, sites: { ...r.sites, [siteId]: site } };
  });
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
