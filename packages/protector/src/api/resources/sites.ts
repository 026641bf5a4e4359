import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Sites, type Site } from '../../db/sites.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, conflict, notFound, unavailable } from '../errors.js';
import { ListQuery, listBody, paginate } from '../pagination.js';
import { isoTime } from '../time.js';
import { ArrayName, Description, HttpUrl, IdParams, Name, NoQuery, Secret } from './schemas.js';

// ---- schemas ----

const Credentials = Type.Object(
  {
    username: Name,
    password: Secret,
    user_domain_name: Type.Optional(Name),
    project_name: Name,
    project_domain_name: Type.Optional(Name),
  },
  { additionalProperties: false },
);

const ArrayConfig = Type.Object(
  { name: ArrayName, url: Type.Optional(Type.Union([HttpUrl, Type.Null()])), api_token: Type.Optional(Type.Union([Secret, Type.Null()])) },
  { additionalProperties: false },
);

const SiteCreate = Type.Object(
  {
    site: Type.Object(
      {
        name: Name,
        description: Type.Optional(Description),
        is_local: Type.Optional(Type.Boolean()),
        auth_url: HttpUrl,
        region_name: Name,
        credentials: Credentials,
        array: ArrayConfig,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const SiteUpdate = Type.Object(
  {
    site: Type.Object(
      {
        name: Type.Optional(Name),
        description: Type.Optional(Description),
        auth_url: Type.Optional(HttpUrl),
        region_name: Type.Optional(Name),
        credentials: Type.Optional(Type.Partial(Credentials, { additionalProperties: false })),
        array: Type.Optional(Type.Partial(ArrayConfig, { additionalProperties: false })),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

const ShowQuery = Type.Object({ show_secrets: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

// ---- views ----

/** A site as the API shows it: secrets only for callers allowed protector:secrets:show who ask. */
function view(s: Site, secrets: boolean) {
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
export function registerSites(app: FastifyInstance, deps: ApiDeps): void {
  const sites = new Sites(deps.db, deps.box, deps.now);
  const find = async (id: string): Promise<Site> => {
    const s = await sites.get(id);
    if (!s) throw notFound(`Site ${id}`);
    return s;
  };
  const wantsSecrets = (request: FastifyRequest, asked: boolean | undefined): boolean => {
    if (!asked) return false;
    authorize(deps.enforcer, request, 'protector:secrets:show');
    return true;
  };

  app.get<{ Querystring: ListQuery }>('/v1/admin/sites', { schema: { querystring: ListQuery } }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:list');
    const page = paginate((await sites.list()).map((s) => view(s, false)), request.query, {
      sortKeys: ['name', 'created_at', 'region_name'],
      defaultSort: 'name',
      ...deps.limits,
    });
    return listBody('sites', page, '/v1/admin/sites');
  });

  app.post<{ Body: Static<typeof SiteCreate> }>('/v1/admin/sites', { schema: { body: SiteCreate, querystring: NoQuery } }, async (request, reply) => {
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

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ShowQuery> }>(
    '/v1/admin/sites/:id',
    { schema: { params: IdParams, querystring: ShowQuery } },
    async (request) => {
      authorize(deps.enforcer, request, 'protector:sites:show');
      const secrets = wantsSecrets(request, request.query.show_secrets);
      return { site: view(await find(request.params.id), secrets) };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof SiteUpdate> }>(
    '/v1/admin/sites/:id',
    { schema: { params: IdParams, body: SiteUpdate, querystring: NoQuery } },
    async (request) => {
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
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>('/v1/admin/sites/:id', { schema: { params: IdParams, querystring: NoQuery } }, async (request, reply) => {
    authorize(deps.enforcer, request, 'protector:sites:delete');
    const s = await find(request.params.id);
    const refs = await sites.references(s.id);
    if (refs.protection_groups || refs.tenant_mappings) {
      throw conflict(`Site ${s.name} is in use by ${refs.protection_groups} protection group(s) and ${refs.tenant_mappings} tenant mapping(s); remove those first.`);
    }
    await sites.delete(s.id);
    reply.code(204);
  });

  app.post<{ Params: Static<typeof IdParams> }>('/v1/admin/sites/:id/validate', { schema: { params: IdParams, querystring: NoQuery } }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:validate');
    const s = await find(request.params.id);
    const checks = await deps.probe.validate(s, request.id);
    return { validation: { site_id: s.id, ok: checks.every((c) => c.status === 'ok'), checks } };
  });

  app.get<{ Params: Static<typeof IdParams> }>('/v1/admin/sites/:id/volume-types', { schema: { params: IdParams, querystring: NoQuery } }, async (request) => {
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
