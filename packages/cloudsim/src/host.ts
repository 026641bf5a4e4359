import type { ArrayModel } from '@protector/arraysim';
import type { TokenValidator } from './auth.js';
import type { CinderModel } from './cinder/model.js';
import type { SiteContext } from './context.js';
import type { GlanceModel } from './glance/model.js';
import type { KeystoneModel } from './keystone/model.js';
import type { NeutronModel } from './neutron/model.js';
import type { NovaModel } from './nova/model.js';
import type { FaultSwitch, ServiceName } from './sim/faults.js';

/** What listens on a site's ports: the OpenStack services, the /sim control API, the array's REST 2.x face. */
export type Endpoint = ServiceName | 'sim' | 'array';

/**
 * What a site offers the code it hosts (service apps and their routes, the /sim control API,
 * seeds): its models, faults, token validation and addresses, but not its assembly, listeners or
 * lifecycle. `Site` implements it; hosted code depends on this, so `site.ts` can import that code
 * without an import circle.
 */
export interface SiteHost {
  /** Name, region, store and clock every model shares. */
  readonly ctx: SiteContext;
  readonly faults: FaultSwitch;
  /** Validates X-Auth-Token: the site's own Keystone, or an external one. */
  readonly validator: TokenValidator;
  readonly keystone: KeystoneModel;
  readonly glance: GlanceModel;
  readonly neutron: NeutronModel;
  readonly cinder: CinderModel;
  readonly nova: NovaModel;
  /** The array model holding this site's array (and, with a shared file, its peers). */
  readonly arrays: ArrayModel;
  /** The array Cinder's volumes live on. */
  readonly arrayName: string;
  /** The address the site listens on. */
  readonly host: string;
  /** The Keystone clients authenticate against (the site's own or the external one), with /v3. */
  readonly authUrl: string;
  /** PEM of the CA the array face's HTTPS certificate is issued by. */
  readonly arrayCa: string;
  /** Root URL of an endpoint (http://127.0.0.1:PORT; https://… for the array), whether or not it is up. */
  url(endpoint: Endpoint): string;
}
