import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Sites } from '../../db/sites.js';
import { authorize } from '../authorize.js';
import type { ApiDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import { isoTime } from '../time.js';
import { IdParams, NoQuery } from './schemas.js';

/** At least 256 bits as base64url (43 characters); the registering client generates it. */
const PairingPut = Type.Object(
  {
    pairing: Type.Object(
      { secret: Type.String({ minLength: 43, maxLength: 255, pattern: '^[A-Za-z0-9_=+/-]+$', description: 'The secret the two sites share; write-only.' }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/**
 * `PUT /v1/admin/sites/{id}/pairing` (DESIGN §5.6): the pairing secret this site shares with its
 * peer, stored sealed on the peer's registration. The client that pairs the sites sends the same
 * secret to both; sending a new one rotates it (the one before still verifies documents signed
 * just before the rotation). The secret is never returned.
 */
export function registerPairing(app: FastifyInstance, deps: ApiDeps): void {
  const sites = new Sites(deps.db, deps.box, deps.now);
  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof PairingPut> }>(
    '/v1/admin/sites/:id/pairing',
    { schema: { params: IdParams, querystring: NoQuery, body: PairingPut } },
    async (request) => {
      authorize(deps.enforcer, request, 'protector:sites:pair');
      const site = await sites.get(request.params.id);
      if (!site) throw notFound(`Site ${request.params.id}`);
      if (site.is_local) throw conflict(`Site ${site.name} is this site; the pairing secret is set on the peer site's registration.`);
      const r = (await sites.setPairing(site.id, request.body.pairing.secret)) as NonNullable<Awaited<ReturnType<Sites['setPairing']>>>;
      return { pairing: { site_id: site.id, site_name: site.name, paired: true, rotated: r.rotated, paired_at: isoTime(r.site.pairing?.set_at ?? null) } };
    },
  );
}
