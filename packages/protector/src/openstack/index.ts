/** Typed clients for the OpenStack APIs Protector uses (Keystone, Nova, Cinder, Neutron, Glance). */
export { createSiteClients, type SiteClients, type SiteClientsOptions } from './site-clients.js';
export { KeystoneSession, normalizeAuthUrl, type SessionOptions, type TokenInfo } from './session.js';
export { KeystoneClient, type CreateTrustRequest } from './keystone.js';
export { TokenValidator, type TokenValidatorOptions, type TokenValidationSource } from './token-validator.js';
export { NovaClient, NOVA_MICROVERSION } from './nova.js';
export { CinderClient, CINDER_MICROVERSION, CONSISTENT_GROUP_SPEC } from './cinder.js';
export { NeutronClient } from './neutron.js';
export { GlanceClient } from './glance.js';
export { HttpTransport, type HttpOptions, type HttpLogger } from './http.js';
export { OpenStackError, ServiceUnavailableError, isNotFound, isUnavailable, isOpenStackError, type ServiceName } from './errors.js';
export { EndpointNotFoundError, findEndpoint, type EndpointInterface } from './catalog.js';
export { WaitError, type WaitOptions } from './wait.js';
export type * from './keystone-types.js';
export type * from './nova-types.js';
export type * from './cinder-types.js';
export type * from './neutron-types.js';
export type * from './glance-types.js';
