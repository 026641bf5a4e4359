import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { REPORT_CSP, RunReportRoutes } from '@protector/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Operations } from '../../engine/operations.js';
import { caller } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { buildRunReport } from '../run-report.js';
import { renderRunReportHtml } from '../run-report-html.js';
import { childrenOf } from './operations.js';
import { tenant } from './tenant.js';

/**
 * `GET /v1/{project_id}/operations/{operation_id}/report`: the run report of any operation, as
 * JSON, or with `?format=html` as a printable page (the same report).
 */
export function registerRunReports(api: FastifyInstance, deps: ApiDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const ops = new Operations(deps.db, deps.now);
  const now = deps.now ?? Date.now;

  app.get('/v1/:project_id/operations/:operation_id/report', { schema: RunReportRoutes.show }, async (request, reply) => {
    const { project_id, operation_id } = request.params;
    tenant(deps, request, project_id, 'protector:operations:report');
    const op = await ops.get(operation_id);
    // Another project's operation does not exist, as far as this caller can tell.
    if (!op || op.project_id !== project_id) throw notFound(`Operation ${operation_id}`);
    const children = await childrenOf(ops, op);
    const [steps, childSteps] = await Promise.all([ops.steps(op.id), ops.stepsOf(children.map((c) => c.id))]);
    // Each PG's name in the project of the operation that names it (a site failover's children span projects).
    const named = new Map([op, ...children].flatMap((o) => (o.pg_id ? [[o.pg_id, o.project_id] as const] : [])));
    const pgIds = [...named.keys()];
    const pgNames = new Map<string, string>();
    for (let i = 0; i < pgIds.length; i += 500) {
      const rows = await deps.db.selectFrom('protection_groups').select(['id', 'name', 'project_id']).where('id', 'in', pgIds.slice(i, i + 500)).execute();
      for (const r of rows) if (named.get(r.id) === r.project_id) pgNames.set(r.id, r.name);
    }
    const me = caller(request);
    const report = buildRunReport({ op, steps, children, childSteps, pgNames, reader: { userId: me.userId, userName: me.userName }, now: now() });
    if (request.query.format !== 'html') return { report };
    // A page of its own: nothing in it may load or run anything (names are the users').
    // The typed reply knows only the JSON answer; the page is text, sent unserialised.
    const page: FastifyReply = reply;
    page.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
    return page.send(renderRunReportHtml(report));
  });
}
