import { findSite, requireReachable, verifyRemoteProject, type SiteCreate, type SiteHandle } from '@protector/protectorclient';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminSitesView, AdminTenantMappingsView, PerSite, SiteValidationView, VolumeTypesView } from '../shared/admin.js';
import { bodyOf, objectField as object, optionalField as optional, secretField, textField as text, type Body } from './body.js';
import { HttpError } from './errors.js';
import { askEach, otherOf, pairOf, siteNamed, type PairContext, type PairSite } from './pair.js';
import { onSite, siteError } from './site-errors.js';

/**
 * What an admin change needs first, as the CLI's `site` and `tenant-mapping` commands: the other
 * site of the pair answers (DESIGN §5.1), else nothing changes.
 */
async function peerOf(pair: PairSite[], site: string): Promise<SiteHandle> {
  const other = otherOf(pair, site);
  if (!other?.handle) throw new HttpError(409, 'peer_unreachable', `every change needs both sites: log in to ${other?.name ?? 'the other site'} too; nothing was changed`);
  return onSite(other.name, () => requireReachable(other.handle));
}

/** Each logged-in site's list; when every site refused with the same 403, that 403 is the answer. */
async function perSite<T>(pair: PairSite[], list: (h: SiteHandle) => Promise<T[]>): Promise<PerSite<T>[]> {
  const rows = (await askEach(pair, list)).map((a): PerSite<T> => {
    if (a.ok) return { site: a.name, items: a.value, error: null };
    if (!a.handle) return { site: a.name, items: null, error: { code: 'not_logged_in', message: `not logged in to ${a.name}` } };
    const e = siteError(a.error, a.name);
    return { site: a.name, items: null, error: { code: e.code, message: e.message } };
  });
  const asked = rows.filter((r) => r.error?.code !== 'not_logged_in');
  if (asked.length > 0 && asked.every((r) => r.error?.code === 'forbidden')) throw new HttpError(403, 'forbidden', asked.map((r) => r.error!.message).join('; '));
  return rows;
}

/** A registration from the form, in the API's shape (the CLI's `site create` defaults). */
function registration(b: Body): SiteCreate {
  const c = object(b, 'credentials');
  const a = object(b, 'array');
  if (b.is_local !== undefined && typeof b.is_local !== 'boolean') throw new HttpError(400, 'bad_request', "'is_local' must be true or false");
  const authUrl = text(b, 'auth_url');
  if (!/^https?:\/\/\S+$/.test(authUrl)) throw new HttpError(400, 'bad_request', "'auth_url' must be an http(s) URL (the site's Keystone v3)");
  const arrayUrl = optional(a, 'url', 'array.url');
  if (arrayUrl !== undefined && !/^https?:\/\/\S+$/.test(arrayUrl)) throw new HttpError(400, 'bad_request', "'array.url' must be an http(s) URL (the array's REST endpoint)");
  return {
    name: text(b, 'name'),
    description: optional(b, 'description'),
    is_local: b.is_local === true,
    auth_url: authUrl,
    region_name: optional(b, 'region_name') ?? 'RegionOne',
    credentials: {
      username: text(c, 'username', 'credentials.username'),
      password: secretField(c, 'password', 'credentials.password'),
      project_name: optional(c, 'project_name', 'credentials.project_name') ?? 'service',
      user_domain_name: optional(c, 'user_domain_name', 'credentials.user_domain_name'),
      project_domain_name: optional(c, 'project_domain_name', 'credentials.project_domain_name'),
    },
    array: { name: text(a, 'name', 'array.name'), url: arrayUrl ?? null, api_token: optional(a, 'api_token', 'array.api_token') ?? null },
  };
}

/**
 * The admin pages: each of the pair's protector APIs lists, registers, validates and deletes
 * sites and tenant mappings (`:site` names which one is asked). The protector API enforces its
 * policy; its 403 comes back as a 403. Changes need the other site to answer first, as the CLI's.
 */
export function registerAdmin(app: FastifyInstance, ctx: PairContext): void {
  const pair = (req: FastifyRequest) => pairOf(ctx.sites, ctx.session(req));
  /** The logged-in site `site` (the body's for a create, else the route's `:site`), with the pair. */
  const at = (req: FastifyRequest, site: string) => {
    const p = pair(req);
    return { p, site, here: siteNamed(p, site) };
  };
  const addressed = (req: FastifyRequest) => {
    const { site, id } = req.params as { site: string; id: string };
    return { ...at(req, site), id };
  };
  /** What `:site`'s Protector says about its registration `:id` (an id or a name). */
  const ofRegistration = <T>(req: FastifyRequest, ask: (here: SiteHandle, registrationId: string) => Promise<T>): Promise<T> => {
    const { site, id, here } = addressed(req);
    return onSite(site, async () => ask(here, (await findSite(here, id)).id));
  };

  app.get('/api/admin/sites', async (req): Promise<AdminSitesView> => ({ sites: await perSite(pair(req), (h) => h.client.sites.list()) }));

  app.post('/api/admin/sites', async (req, reply) => {
    const b = bodyOf(req);
    const { p, site, here } = at(req, text(b, 'site'));
    const input = registration(b);
    await peerOf(p, site);
    const created = await onSite(site, () => here.client.sites.create(input));
    return reply.code(201).send({ site, registration: created });
  });

  app.delete('/api/admin/sites/:site/:id', async (req, reply) => {
    const { p, site, id, here } = addressed(req);
    const target = await onSite(site, () => findSite(here, id));
    await peerOf(p, site);
    await onSite(site, () => here.client.sites.delete(target.id));
    return reply.code(204).send();
  });

  app.post('/api/admin/sites/:site/:id/validate', async (req): Promise<SiteValidationView> => ofRegistration(req, async (here, id) => ({ site: here.name, validation: await here.client.sites.validate(id) })));

  app.get('/api/admin/sites/:site/:id/volume-types', async (req): Promise<VolumeTypesView> => ofRegistration(req, async (here, id) => ({ site: here.name, volume_types: await here.client.sites.volumeTypes(id) })));

  app.get('/api/admin/tenant-mappings', async (req): Promise<AdminTenantMappingsView> => ({ sites: await perSite(pair(req), (h) => h.client.tenantMappings.list()) }));

  app.post('/api/admin/tenant-mappings', async (req, reply) => {
    const b = bodyOf(req);
    const { p, site: name, here } = at(req, text(b, 'site'));
    const input = { local_project_id: text(b, 'local_project_id'), remote_site: text(b, 'remote_site'), remote_project_id: text(b, 'remote_project_id'), description: optional(b, 'description') };
    const remote = await onSite(name, () => findSite(here, input.remote_site));
    const peer = await peerOf(p, name);
    await onSite(peer.name, () => verifyRemoteProject(peer, remote, input.remote_project_id));
    const created = await onSite(name, () =>
      here.client.tenantMappings.create({ local_project_id: input.local_project_id, remote_site_id: remote.id, remote_project_id: input.remote_project_id, description: input.description }),
    );
    return reply.code(201).send({ site: name, tenant_mapping: created });
  });

  app.delete('/api/admin/tenant-mappings/:site/:id', async (req, reply) => {
    const { p, site, id, here } = addressed(req);
    await peerOf(p, site);
    await onSite(site, () => here.client.tenantMappings.delete(id));
    return reply.code(204).send();
  });
}
