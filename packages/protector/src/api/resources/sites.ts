import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SiteRoutes, type Site as SiteView } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { Sites, type Site } from '../../db/sites.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, notFound, unavailable } from '../errors.js';
import { listBody, paginate } from '../pagination.js';
import { wantsSecrets } from '../show-secrets.js';
import { isoTime } from '../time.js';

// ---- views ----

/** A site as the API shows it: secrets only for callers allowed protector:secrets:show who ask. */
function view(s: Site, secrets: boolean): SiteView {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    is_local: s.is_local,
    auth_url: s.auth_url,
    region_name: s.region_name,
    credentials: {
      username: s.credentials.username,
      user_domain_name: s.credentials.user_domain_name,
      project_name: s.credentials.project_name,
      project_domain_name: s.credentials.project_domain_name,
      ...(secrets ? { password: s.credentials.password } : {}),
    },
    array: { name: s.array.name, url: s.array.url, ...(secrets ? { api_token: s.array.api_token } : {}) },
    /** Whether this (peer) site shares a pairing secret with this service; the secret itself is never shown. */
    paired: s.pairing !== null,
    paired_at: isoTime(s.pairing?.set_at ?? null),
    created_at: isoTime(s.created_at),
    updated_at: isoTime(s.updated_at),
  };
}

/** `/v1/admin/sites`: registration of the two sites of the pair (admin only). */
export function registerSites(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const sites = new Sites(deps.db, deps.box, deps.now);
  const find = async (id: string): Promise<Site> => {
    const s = await sites.get(id);
    if (!s) throw notFound(`Site ${id}`);
    return s;
  };

  app.get('/v1/admin/sites', { schema: SiteRoutes.list }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:list');
    const page = paginate((await sites.list()).map((s) => view(s, false)), request.query, {
      sortKeys: ['name', 'created_at', 'region_name'],
      defaultSort: 'name',
      ...deps.limits,
    });
    return listBody('sites', page, '/v1/admin/sites');
  });

  app.post('/v1/admin/sites', { schema: SiteRoutes.create }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:sites:create');
    const b = request.body.site;
    if (b.is_local) {
      const local = (await sites.list()).find((s) => s.is_local);
      if (local) throw conflict(`Site ${local.name} is already registered as the local site; a service runs on one site only.`);
    }
    const created = await sites.create({
      name: b.name,
      description: b.description ?? '',
      is_local: b.is_local ?? false,
      auth_url: b.auth_url,
      region_name: b.region_name,
      credentials: {
        username: b.credentials.username,
        password: b.credentials.password,
        user_domain_name: b.credentials.user_domain_name ?? 'Default',
        project_name: b.credentials.project_name,
        project_domain_name: b.credentials.project_domain_name ?? 'Default',
      },
      array: { name: b.array.name, url: b.array.url ?? null, api_token: b.array.api_token ?? null },
    });
    if (!created) throw conflict(`A site named ${b.name} already exists.`);
    reply.code(201);
    return { site: view(created, false) };
  });

  app.get('/v1/admin/sites/:id', { schema: SiteRoutes.show }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:show');
    const secrets = wantsSecrets(deps, request, request.query.show_secrets);
    return { site: view(await find(request.params.id), secrets) };
  });

  app.put('/v1/admin/sites/:id', { schema: SiteRoutes.update }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:update');
    const cur = await find(request.params.id);
    const b = request.body.site;
    if (b.name !== undefined && b.name !== cur.name && (await sites.findByName(b.name))) throw conflict(`A site named ${b.name} already exists.`);
    const { array, credentials, ...rest } = b;
    const updated = await sites.update(cur.id, {
      ...rest,
      ...(credentials ? { credentials } : {}),
      ...(array ? { array: { ...cur.array, ...array } } : {}),
    });
    return { site: view(updated ?? cur, false) };
  });

  app.delete('/v1/admin/sites/:id', { schema: SiteRoutes.delete }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:sites:delete');
    const s = await find(request.params.id);
    const refs = await sites.references(s.id);
    if (refs.protection_groups || refs.tenant_mappings) {
      throw conflict(`Site ${s.name} is in use by ${refs.protection_groups} protection group(s) and ${refs.tenant_mappings} tenant mapping(s); remove those first.`);
    }
    await sites.delete(s.id);
    reply.code(204);
  });

  app.post('/v1/admin/sites/:id/validate', { schema: SiteRoutes.validate }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:validate');
    const s = await find(request.params.id);
    const checks = await deps.probe.validate(s, request.id);
    return { validation: { site_id: s.id, ok: checks.every((c) => c.status === 'ok'), checks } };
  });

  app.get('/v1/admin/sites/:id/volume-types', { schema: SiteRoutes.volumeTypes }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:list_volume_types');
    const s = await find(request.params.id);
    try {
      return { volume_types: await deps.probe.volumeTypes(s, request.id) };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw unavailable(`Site ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
