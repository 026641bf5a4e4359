import type { FastifyInstance } from 'fastify';
import type { Site } from '../site.js';

/** The simulated guest: reads and writes inside a running server's attached volumes. */
export function registerGuestRoutes(app: FastifyInstance, site: Site): void {
  void app;
  void site;
}
