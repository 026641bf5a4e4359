import type { ProtectionGroup, ProtectionGroups } from '../db/protection-groups.js';
import type { Site, Sites } from '../db/sites.js';
import { TenantMappings } from '../db/tenant-mappings.js';
import { createHash } from 'node:crypto';
import { createSiteClients, serviceCredentials, trustThrough, type HttpOptions, type SiteClients } from '@protector/openstack';
import type { StorageDriver } from '../storage/index.js';
import { SiteLimits, type LimitedService } from './limits.js';
import { StepError } from './workflow.js';

/** What the lifecycle workflows need from the process that runs them (protector-engine, tests). */
export interface WorkflowDeps {
  pgs: ProtectionGroups;
  sites: Sites;
  /** This site's driver: local array = this site's, peer = the other site's. */
  storage: StorageDriver;
  now?: () => number;
  /** Timeouts, retries and logger for the OpenStack clients; the site name is filled in per site. */
  http?: HttpOptions;
  /** What this engine may ask of each site at once, shared by all its operations (`[concurrency]`). */
  limits?: SiteLimits;
  /** Tells the engines an operation a workflow released is waiting (the bus); without it their scan finds it. */
  wake?: (operationId: string) => void;
}

export interface ClientsForOptions {
  /**
   * Act in the PG's project on that site through the trust the API took at PG creation (the
   * service user authenticates, scoped to the trust, impersonating the tenant user). Without
   * it the clients are the service user's own, scoped to its project: admin-level calls only.
   */
  asTenantOf?: ProtectionGroup;
}

/** One operation's view of the world: repositories, the storage driver, and cached OpenStack sessions. */
export interface WorkflowContext {
  readonly pgs: ProtectionGroups;
  readonly sites: Sites;
  readonly storage: StorageDriver;
  readonly now: () => number;
  /** The registered site; a StepError when it is not (any more) registered. */
  site(siteId: string): Promise<Site>;
  clientsFor(siteId: string, opts?: ClientsForOptions): Promise<SiteClients>;
  /** Runs one unit of work on a site's service within this engine's limit for it. */
  limited<T>(siteId: string, service: LimitedService, fn: () => Promise<T>): Promise<T>;
}

/** Deps without limits (tests, tools) share one default set per deps object, as an engine would. */
const defaultLimits = new WeakMap<WorkflowDeps, SiteLimits>();
const limitsOf = (deps: WorkflowDeps): SiteLimits => {
  if (deps.limits) return deps.limits;
  let l = defaultLimits.get(deps);
  if (!l) defaultLimits.set(deps, (l = new SiteLimits()));
  return l;
};

/**
 * The service user's clients per site registration, shared by every run on one deps object (an
 * engine): its password is checked by Keystone once per token, not three times per operation
 * (a hundred failovers at once would otherwise queue on Keystone's password hash). Per site, with
 * what authenticates: a changed registration replaces the session.
 */
const serviceClients = new WeakMap<WorkflowDeps, Map<string, { key: string; clients: SiteClients }>>();

/**
 * A fresh context per operation run (the workflow builder makes one per `steps()`/`rollback()`), so trust sessions and their
 * tokens are shared by the steps of one run and never outlive it: a revoked trust is seen by
 * the next operation, and a changed site registration too (the service session above is its own).
 */
export function createWorkflowContext(deps: WorkflowDeps): WorkflowContext {
  const sessions = new Map<string, Promise<SiteClients>>();
  const now = deps.now ?? Date.now;

  const site = async (siteId: string): Promise<Site> => {
    const s = await deps.sites.get(siteId);
    if (!s) throw new StepError(`site ${siteId} is not registered on this site's Protector`, { site_id: siteId });
    return s;
  };

  const clientsFor = async (siteId: string, opts: ClientsForOptions = {}): Promise<SiteClients> => {
    const pg = opts.asTenantOf;
    let trustId: string | undefined;
    if (pg) {
      trustId = pg.resources.sites[siteId]?.trust_id;
      if (!trustId) throw new StepError(`protection group ${pg.id} has no Keystone trust on site ${siteId}; it cannot act in the project there`, { site_id: siteId });
    }
    const key = `${siteId}|${trustId ?? 'service'}`;
    // Concurrent callers (checks, reads beside them) share one session; a failure is not kept.
    let clients = sessions.get(key);
    if (!clients) {
      sessions.set(key, (clients = open(siteId, trustId, pg)));
      clients.catch(() => sessions.delete(key));
    }
    return clients;
  };

  const open = async (siteId: string, trustId: string | undefined, pg: ProtectionGroup | undefined): Promise<SiteClients> => {
    const s = await site(siteId);
    const service = serviceOf(s);
    if (!trustId) return service;
    const clients = createSiteClients({ ...clientOptions(s), credentials: trustThrough(service.session, trustId) });
    if (pg) await checkTrustProject(clients, pg, s);
    return clients;
  };

  const clientOptions = (s: Site) => ({ authUrl: s.auth_url, region: s.region_name || undefined, http: { ...deps.http, site: s.name }, now });

  const serviceOf = (s: Site): SiteClients => {
    let shared = serviceClients.get(deps);
    if (!shared) serviceClients.set(deps, (shared = new Map()));
    const key = createHash('sha256').update(JSON.stringify([s.name, s.auth_url, s.region_name, s.credentials])).digest('hex');
    const held = shared.get(s.id);
    if (held?.key === key) return held.clients;
    const clients = createSiteClients({ ...clientOptions(s), credentials: serviceCredentials(s.credentials) });
    shared.set(s.id, { key, clients });
    return clients;
  };

  /**
   * A trust acts in one project: it must be the PG's (here, or the one the PG's project is mapped
   * to on the peer), whatever a document said. A site that cannot be asked now is left to fail
   * at its first real call, as it would without this check.
   */
  const checkTrustProject = async (clients: SiteClients, pg: ProtectionGroup, s: Site): Promise<void> => {
    let projectId: string | undefined;
    try {
      projectId = (await clients.session.auth()).projectId;
    } catch {
      return;
    }
    const expected = s.is_local ? pg.project_id : (await new TenantMappings(deps.pgs.db).find(pg.project_id, s.id))?.remote_project_id;
    if (projectId !== expected) {
      throw new StepError(`the Keystone trust of protection group ${pg.id} on site ${s.name} acts in project ${projectId ?? 'none'}, not in ${expected ?? 'a project mapped to this one'}; refusing to use it`, { site_id: s.id });
    }
  };

  const limits = limitsOf(deps);
  return { pgs: deps.pgs, sites: deps.sites, storage: deps.storage, now, site, clientsFor, limited: (siteId, service, fn) => limits.run(siteId, service, fn) };
}
