import type { Site } from '../../db/sites.js';
import { createSiteClients, isUnavailable, OpenStackError, serviceCredentials, type SiteClients } from '@protector/openstack';
import { ApiError, unavailable } from '../errors.js';

const HTTP = (site: Site, timeoutMs = 10_000) => ({ site: site.name, timeoutMs, retries: 0 });

/** A site's clients as Protector's own service user (the registered credentials). */
export function serviceClients(site: Site, requestId: string, timeoutMs = 10_000): SiteClients {
  return createSiteClients({
    authUrl: site.auth_url,
    region: site.region_name,
    credentials: serviceCredentials(site.credentials),
    http: HTTP(site, timeoutMs),
  }).withRequestId(requestId);
}

/** A site's clients acting as the tenant, from a token the tenant gave us for this request only. */
export function tokenClients(site: Site, token: string, projectId: string, requestId: string): SiteClients {
  return createSiteClients({
    authUrl: site.auth_url,
    region: site.region_name,
    credentials: { type: 'token', token, scope: { projectId } },
    http: HTTP(site),
  }).withRequestId(requestId);
}

/** An OpenStack failure as the API answers it: a dependency down is a 503 naming the site. */
export function dependencyError(site: Site, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isUnavailable(err)) return unavailable(`Site ${site.name} is unreachable: ${err.message}`);
  if (err instanceof OpenStackError && err.status === 0) return unavailable(`Site ${site.name} is unreachable: ${err.message}`);
  if (err instanceof OpenStackError && err.status >= 500) return unavailable(`Site ${site.name}: ${err.message}`);
  return new ApiError(409, `Site ${site.name}: ${err instanceof Error ? err.message : String(err)}`);
}
