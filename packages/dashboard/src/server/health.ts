import { ProtectorApiError } from '@protector/protectorclient';
import type { FastifyInstance } from 'fastify';
import type { HealthView, SiteHealth } from '../shared/health.js';
import { pairOf, why, type PairContext, type PairSite } from './pair.js';

/**
 * Each site's own health answer (link, lag, RPO, failover_ready with its reasons) for every PG,
 * both asked at once; a site that does not answer says why and the other still shows.
 */
export function health(pair: PairSite[]): Promise<HealthView> {
  return Promise.all(
    pair.map(async (p): Promise<SiteHealth> => {
      if (!p.handle) return { name: p.name, logged_in: false, reachable: false, error: 'not logged in', health: null };
      try {
        return { name: p.name, logged_in: true, reachable: true, error: null, health: await p.handle.client.health.get() };
      } catch (err) {
        // An answer that is an error (a 503: its arrays could not be asked) still means the site answers.
        return { name: p.name, logged_in: true, reachable: err instanceof ProtectorApiError, error: why(err), health: null };
      }
    }),
  ).then((sites) => ({ sites }));
}

export function registerHealth(app: FastifyInstance, ctx: PairContext): void {
  app.get('/api/health', async (req): Promise<HealthView> => health(pairOf(ctx.sites, ctx.session(req))));
}
