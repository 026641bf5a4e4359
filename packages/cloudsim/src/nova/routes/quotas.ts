import type { FastifyInstance, FastifyRequest } from 'fastify';
import { policyForbidden } from '../../http/errors.js';
import { atLeast, type Microversion } from '../../http/microversion.js';
import type { SiteHost } from '../../host.js';
import { DEFAULT_QUOTAS } from '../model.js';
import { caller, requireAdmin, schemas } from './common.js';

/** Quotas Nova showed for nova-network until 2.36; still shown (never enforced) before it. */
const NETWORK_QUOTAS: Record<string, number> = { fixed_ips: -1, floating_ips: 10, security_group_rules: 20, security_groups: 10 };
const FILE_QUOTAS = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

/** The quota names a microversion shows: 2.36 drops the network ones, 2.57 the injected files. */
export function quotaNames(mv: Microversion): string[] {
  const names = Object.keys(DEFAULT_QUOTAS).filter((n) => !(FILE_QUOTAS.includes(n) && atLeast(mv, '2.57')));
  return atLeast(mv, '2.36') ? names : [...names, ...Object.keys(NETWORK_QUOTAS)];
}

function quotaSet(mv: Microversion, limits: Record<string, number>, usage?: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of quotaNames(mv)) {
    const limit = limits[name] ?? NETWORK_QUOTAS[name] ?? -1;
    out[name] = usage ? { in_use: usage[name] ?? 0, limit, reserved: 0 } : limit;
  }
  return out;
}

type Params = { Params: { project: string } };
const params = { params: { type: 'object', properties: { project: schemas.id } } } as const;

/** os-quota-sets: show (own project, or any for admins), defaults, detail, update and reset (admin). */
export function registerQuotaRoutes(app: FastifyInstance, site: SiteHost): void {
  const nova = site.nova;
  const readable = (req: FastifyRequest<Params>, rule: string) => {
    const auth = caller(req);
    if (!auth.isAdmin && auth.projectId !== req.params.project) throw policyForbidden(`os_compute_api:os-quota-sets:${rule}`);
    return req.params.project;
  };

  app.get<Params>('/v2.1/os-quota-sets/:project', { schema: params }, async (req) => {
    const project = readable(req, 'show');
    return { quota_set: { id: project, ...quotaSet(req.microversion, nova.quotaLimits(project)) } };
  });
  app.get<Params>('/v2.1/os-quota-sets/:project/detail', { schema: params }, async (req) => {
    const project = readable(req, 'detail');
    return { quota_set: { id: project, ...quotaSet(req.microversion, nova.quotaLimits(project), nova.usage(project)) } };
  });
  app.get<Params>('/v2.1/os-quota-sets/:project/defaults', { schema: params }, async (req) => ({
    quota_set: { id: req.params.project, ...quotaSet(req.microversion, DEFAULT_QUOTAS) },
  }));

  const value = { type: ['integer', 'string'], pattern: '^-?[0-9]+$', minimum: -1, maximum: 2147483647 } as const;
  app.put<Params & { Body: { quota_set: Record<string, number | string | boolean> } }>(
    '/v2.1/os-quota-sets/:project',
    {
      schema: {
        ...params,
        body: {
          type: 'object',
          required: ['quota_set'],
          additionalProperties: false,
          properties: {
            quota_set: {
              type: 'object',
              additionalProperties: false,
              properties: {
                ...Object.fromEntries([...Object.keys(DEFAULT_QUOTAS), ...Object.keys(NETWORK_QUOTAS), 'networks'].map((n) => [n, value])),
                force: { type: ['boolean', 'string'] },
              },
            },
          },
        },
      },
    },
    async (req) => {
      requireAdmin(req, 'os_compute_api:os-quota-sets:update');
      const change: Record<string, number> = {};
      for (const [k, v] of Object.entries(req.body.quota_set)) {
        if (k !== 'force' && k in DEFAULT_QUOTAS) change[k] = Number(v);
      }
      return { quota_set: quotaSet(req.microversion, nova.setQuotas(req.params.project, change)) };
    },
  );
  app.delete<Params>('/v2.1/os-quota-sets/:project', { schema: params }, async (req, reply) => {
    requireAdmin(req, 'os_compute_api:os-quota-sets:delete');
    nova.quotas.delete(req.params.project);
    reply.code(202).send();
  });
}
