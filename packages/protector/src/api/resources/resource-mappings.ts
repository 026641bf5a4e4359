import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { normalizeReipRules, reipRulesProblem, ResourceMappingRoutes } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { ProtectionGroups, type ResourceMapping } from '../../db/protection-groups.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict } from '../errors.js';
import { loadPg, markChanged, requireInSync, tenant } from './tenant.js';

/**
 * Refuses mappings that name a site outside the PG, map one source twice, or carry re-IP rules
 * that cannot be right (400 naming the entry); answers them with the rules in canonical text.
 */
export function checkMappings(mappings: readonly ResourceMapping[], siteIds: readonly string[], field: string): ResourceMapping[] {
  const seen = new Set<string>();
  return mappings.map((m, i) => {
    if (!siteIds.includes(m.source_site_id)) throw badRequest(`${field}.${i}.source_site_id`, `Site ${m.source_site_id} is not one of the protection group's sites (${siteIds.join(', ')}).`);
    const key = JSON.stringify([m.kind, m.source_site_id, m.source_id]);
    if (seen.has(key)) throw badRequest(`${field}.${i}`, `Duplicate mapping: ${m.kind} ${m.source_id} on site ${m.source_site_id} is already mapped.`);
    seen.add(key);
    const problem = reipRulesProblem(m.kind, m.reip_rules, `${field}.${i}.reip_rules`);
    if (problem) throw badRequest(problem.field, problem.reason);
    const { reip_rules, ...rest } = m;
    const rules = normalizeReipRules(reip_rules);
    return rules ? { ...rest, reip_rules: rules } : rest;
  });
}

/** `…/{pg}/resource-mappings`: how networks, flavors, images… on one site translate to the other. */
export function registerResourceMappings(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const pgs = new ProtectionGroups(deps.db, deps.now);

  app.get('/v1/:project_id/protection-groups/:pg_id/resource-mappings', { schema: ResourceMappingRoutes.show }, async (request) => {
    const { project_id, pg_id } = request.params;
    tenant(deps, request, project_id, 'protector:resource_mappings:show');
    const pg = await loadPg(pgs, project_id, pg_id);
    return { resource_mappings: await pgs.mappings(pg.id) };
  });

  app.put(
    '/v1/:project_id/protection-groups/:pg_id/resource-mappings',
    { schema: ResourceMappingRoutes.replace },
    async (request) => {
      const { project_id, pg_id } = request.params;
      tenant(deps, request, project_id, 'protector:resource_mappings:update');
      const pg = await loadPg(pgs, project_id, pg_id);
      requireInSync(pg);
      if (pg.status === 'deleting') throw conflict(`Protection group ${pg.id} is being deleted.`);
      const list = request.body.resource_mappings;
      const saved = await pgs.replaceMappings(pg.id, checkMappings(list, [pg.primary_site_id, pg.secondary_site_id], 'resource_mappings'));
      await markChanged(pgs, pg.id);
      return { resource_mappings: saved };
    },
  );
}
