import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoSeconds } from '../../timestamps.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { atLeast } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import type { KeypairRecord } from '../records.js';
import { generateSshKey, sshFingerprint } from '../ssh-keys.js';
import { caller, nextLink, paginate, schemas } from './common.js';

type UserQuery = { user_id?: string; limit?: number; marker?: string };

/** os-keypairs: key pairs belong to a user; admins may act for another user from 2.10. */
export function registerKeypairRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const root = () => site.url('nova');

  const targetUser = (req: FastifyRequest, userId: string | undefined): string => {
    const auth = caller(req);
    if (userId === undefined || userId === auth.userId || !atLeast(req.microversion, '2.10')) return auth.userId;
    if (!auth.isAdmin) throw forbidden(`Policy doesn't allow os_compute_api:os-keypairs:index to be performed.`);
    return userId;
  };
  const typed = (req: FastifyRequest, view: Record<string, unknown>, k: KeypairRecord) => {
    if (atLeast(req.microversion, '2.2')) view.type = k.type;
    return view;
  };
  const find = (req: FastifyRequest<{ Params: { name: string }; Querystring: UserQuery }>) => {
    const user = targetUser(req, req.query.user_id);
    const k = nova.keypairs.get(`${user}/${req.params.name}`);
    if (!k) throw notFound(`Keypair ${req.params.name} not found for user ${user}`);
    return k;
  };
  const userQuery = { querystring: { type: 'object', properties: { user_id: schemas.id, limit: schemas.limit, marker: schemas.marker } } } as const;
  const nameParams = { params: { type: 'object', properties: { name: schemas.name } } } as const;

  app.get<{ Querystring: UserQuery }>('/v2.1/os-keypairs', { schema: userQuery }, async (req) => {
    const user = targetUser(req, req.query.user_id);
    const all = nova.keypairs.list(undefined, user).sort((a, b) => a.name.localeCompare(b.name));
    const { page, links } = atLeast(req.microversion, '2.35')
      ? paginate(all, req.query, (k) => k.name, (m) => nextLink(`${root()}/v2.1/os-keypairs`, req.query, m))
      : { page: all, links: undefined };
    const body: Record<string, unknown> = {
      keypairs: page.map((k) => ({ keypair: typed(req, { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint }, k) })),
    };
    if (links) body.keypairs_links = links;
    return body;
  });

  app.get<{ Params: { name: string }; Querystring: UserQuery }>('/v2.1/os-keypairs/:name', { schema: { ...userQuery, ...nameParams } }, async (req) => {
    const k = find(req);
    return {
      keypair: typed(req, {
        name: k.name,
        public_key: k.public_key,
        fingerprint: k.fingerprint,
        user_id: k.user_id,
        created_at: isoSeconds(k.created_ms).replace('Z', '.000000'),
        deleted: false,
        deleted_at: null,
        updated_at: null,
        id: k.seq,
      }, k),
    };
  });

  app.delete<{ Params: { name: string }; Querystring: UserQuery }>('/v2.1/os-keypairs/:name', { schema: { ...userQuery, ...nameParams } }, async (req, reply) => {
    nova.keypairs.delete(find(req).id);
    reply.code(atLeast(req.microversion, '2.2') ? 204 : 202).send();
  });

  type CreateBody = { keypair: { name: string; public_key?: string; type?: 'ssh' | 'x509'; user_id?: string } };
  app.post<{ Body: CreateBody }>(
    '/v2.1/os-keypairs',
    {
      schema: {
        body: {
          type: 'object',
          required: ['keypair'],
          additionalProperties: false,
          properties: {
            keypair: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: { ...schemas.name, pattern: '^[a-zA-Z0-9 _.@-]+$' },
                public_key: { type: 'string', maxLength: 16384 },
                type: { enum: ['ssh', 'x509'] },
                user_id: schemas.id,
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body.keypair;
      const mv = req.microversion;
      if (b.type !== undefined && !atLeast(mv, '2.2')) throw badRequest(`Invalid input for field/attribute keypair. Additional properties are not allowed ('type' was unexpected)`);
      if (b.user_id !== undefined && !atLeast(mv, '2.10')) throw badRequest(`Invalid input for field/attribute keypair. Additional properties are not allowed ('user_id' was unexpected)`);
      const user = targetUser(req, b.user_id);
      const id = `${user}/${b.name}`;
      if (nova.keypairs.get(id)) throw conflict(`Key pair '${b.name}' already exists.`);
      const generated = b.public_key === undefined ? generateSshKey(`Generated-by-Nova`) : undefined;
      const publicKey = generated?.publicKey ?? b.public_key!;
      const k = nova.keypairs.insert({
        id,
        seq: nova.keypairs.count() + 1,
        name: b.name,
        user_id: user,
        public_key: publicKey,
        fingerprint: sshFingerprint(publicKey),
        type: b.type ?? 'ssh',
        created_ms: nova.now(),
      });
      const view: Record<string, unknown> = { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint, user_id: k.user_id };
      if (generated) view.private_key = generated.privateKey;
      reply.code(atLeast(mv, '2.2') ? 201 : 200);
      return { keypair: typed(req, view, k) };
    },
  );
}
