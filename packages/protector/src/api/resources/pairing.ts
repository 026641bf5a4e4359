import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SiteRoutes } from '@protector/contract';
import type { FastifyInstance } from 'fastify';
import { Sites } from '../../db/sites.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import { isoTime } from '../time.js';

/**
 * `PUT /v1/admin/sites/{id}/pairing` (DESIGN §5.6): the pairing secret this site shares with its
 * peer, stored sealed on the peer's registration. The client that pairs the sites sends the same
 * secret to both; sending a new one rotates it (the one before still verifies documents signed
 * just before the rotation). The secret is never returned.
 */
export function registerPairing(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const sites = new Sites(deps.db, deps.box, deps.now);
  app.put('/v1/admin/sites/:id/pairing', { schema: SiteRoutes.pair }, async (request) => {
    authorize(deps.enforcer, request, 'protector:sites:pair');
    const site = await sites.get(request.params.id);
    if (!site) throw notFound(`Site ${request.params.id}`);
    if (site.is_local) throw conflict(`Site ${site.name} is this site; the pairing secret is set on the peer site's registration.`);
    const r = await sites.setPairing(site.id, request.body.pairing.secret);
    if (!r) throw notFound(`Site ${request.params.id}`);
    return { pairing: { site_id: site.id, site_name: site.name, paired: true, rotated: r.rotated, paired_at: isoTime(r.site.pairing?.set_at ?? null) } };
  });
}
