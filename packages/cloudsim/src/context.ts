import type { Clock, Db } from '@protector/arraysim';
import type { ServiceName } from './sim/faults.js';

/** What every service model of one site shares. */
export interface SiteContext {
  /** Site name, e.g. site-a. */
  name: string;
  /** Keystone region id for this site's endpoints. */
  region: string;
  db: Db;
  clock: Clock;
  /** Milliseconds a server spends in BUILD and a volume in creating/deleting. */
  bootTimeMs: number;
  /** Root URL of a service as clients reach it, without version (http://127.0.0.1:PORT). */
  rootUrl(service: ServiceName): string;
}
