import type { EndpointInterface } from './catalog.js';
import { CinderClient } from './cinder.js';
import { GlanceClient } from './glance.js';
import { HttpTransport, type HttpOptions } from './http.js';
import { KeystoneClient } from './keystone.js';
import type { Credentials } from './keystone-types.js';
import { NeutronClient } from './neutron.js';
import { NovaClient } from './nova.js';
import { KeystoneSession, type CredentialSource } from './session.js';

export interface SiteClientsOptions {
  authUrl: string;
  region?: string;
  credentials: Credentials | CredentialSource;
  interface?: EndpointInterface;
  /** Site name for messages ("site-a Nova is unreachable"); also timeouts, retries, logger. */
  http?: HttpOptions;
  now?: () => number;
}

/** One identity's clients for every service of one site, sharing one session and token. */
export interface SiteClients {
  session: KeystoneSession;
  keystone: KeystoneClient;
  nova: NovaClient;
  cinder: CinderClient;
  neutron: NeutronClient;
  glance: GlanceClient;
  /** The same clients, sending the caller's global request id on every call. */
  withRequestId(requestId: string): SiteClients;
}

export function createSiteClients(options: SiteClientsOptions): SiteClients {
  const session = new KeystoneSession({
    authUrl: options.authUrl,
    region: options.region,
    credentials: options.credentials,
    interface: options.interface,
    now: options.now,
    http: new HttpTransport(options.http),
  });
  return bind({
    session,
    keystone: new KeystoneClient(session),
    nova: new NovaClient(session),
    cinder: new CinderClient(session),
    neutron: new NeutronClient(session),
    glance: new GlanceClient(session),
  });
}

function bind(c: Omit<SiteClients, 'withRequestId'>): SiteClients {
  return {
    ...c,
    withRequestId: (id) =>
      bind({
        session: c.session,
        keystone: c.keystone.withRequestId(id),
        nova: c.nova.withRequestId(id),
        cinder: c.cinder.withRequestId(id),
        neutron: c.neutron.withRequestId(id),
        glance: c.glance.withRequestId(id),
      }),
  };
}
