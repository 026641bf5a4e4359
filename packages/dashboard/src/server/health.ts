import { ProtectorApiError } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { HealthView, SiteHealth } from '../shared/health.js';
import { askEach, pairOf, whyNot, type PairContext, type PairSite } from './pair.js';

/**
 * Each site's own health answer (link, lag, RPO, failover_ready with its reasons) for every PG,
 * both asked at once; a site that does not answer says why and the other still shows.
 */
export async function health(pair: PairSite[]): Promise<HealthView> {
  const answers = await askEach(pair, (h) => h.client.health.get());
  return {
    sites: answers.map(
      (a): SiteHealth => ({
        name: a.name,
        logged_in: a.handle !== null,
        // An answer that is an error (a 503: its arrays could not be asked) still means the site answers.
        reachable: a.ok || a.error instanceof ProtectorApiError,
        error: whyNot(a),
        health: a.ok ? a.value : null,
      }),
    ),
  };
}

export function registerHealth(app: FastifyInstance, ctx: PairContext): void {
  app.get('/api/health', async (req): Promise<HealthView> => health(pairOf(ctx.sites, ctx.session(req))));
}
