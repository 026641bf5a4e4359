import { BatchWait } from './batch-wait.js';
import type {
  AvailabilityZone,
  ComputeLimits,
  CreateServerRequest,
  Flavor,
  Keypair,
  Server,
  ServerListFilter,
  VolumeAttachment,
} from './nova-types.js';
import { ServiceApi, ServiceClient, seg, type CreateOptions } from './service-api.js';
import type { KeystoneSession } from './session.js';
import { pollStatus, pollUntilGone, type WaitOptions } from './wait.js';

/**
 * 2.79: networks required on boot (2.37), embedded flavor (2.47), tags (2.52), volume attachment
 * delete_on_termination (2.79). Real Nova has had it since Train; cloudsim serves up to 2.90.
 */
export const NOVA_MICROVERSION = '2.79';

export type RebootType = 'SOFT' | 'HARD';

/** Nova's server states that will not become ACTIVE or SHUTOFF on their own. */
const FAILED_STATES = ['ERROR', 'DELETED', 'SOFT_DELETED'];

export class NovaClient extends ServiceClient {
  constructor(session: KeystoneSession, version = NOVA_MICROVERSION) {
    super(
      new ServiceApi(session, {
        service: 'nova',
        catalogTypes: ['compute'],
        microversion: { type: 'compute', version, legacyHeader: 'X-OpenStack-Nova-API-Version' },
      }),
    );
  }

  async getServer(id: string): Promise<Server> {
    return (await this.api.get<{ server: Server }>(`/servers/${seg(id)}`)).server;
  }

  /** Detailed list, all pages. `name` is a regular expression, as in Nova. */
  async listServers(filter: ServerListFilter = {}): Promise<Server[]> {
    return this.api.listAll<Server>('/servers/detail', 'servers', serverQuery(filter));
  }

  /**
   * One page only (`limit` is Nova's page size, as everywhere): `{ limit: 1 }` asks whether Nova
   * answers in this project without walking every server it holds, one per page.
   */
  async listServersPage(filter: ServerListFilter = {}): Promise<Server[]> {
    return (await this.api.get<{ servers: Server[] }>('/servers/detail', serverQuery(filter))).servers;
  }

  /** Boots a server; answers with its id at once (status BUILD). With `lookup`, see CreateOptions. */
  async createServer(req: CreateServerRequest, opts: CreateOptions<{ id: string }> & { schedulerHints?: Record<string, unknown> } = {}): Promise<{ id: string }> {
    const body: Record<string, unknown> = { server: req };
    if (opts.schedulerHints) body['os:scheduler_hints'] = opts.schedulerHints;
    return this.api.create('/servers', body, (a: { server: { id: string } }) => a.server, opts);
  }

  async deleteServer(id: string): Promise<void> {
    await this.api.delete(`/servers/${seg(id)}`);
  }

  async startServer(id: string): Promise<void> {
    await this.action(id, { 'os-start': null });
  }

  async stopServer(id: string): Promise<void> {
    await this.action(id, { 'os-stop': null });
  }

  async rebootServer(id: string, type: RebootType = 'SOFT'): Promise<void> {
    await this.action(id, { reboot: { type } });
  }

  private async action(id: string, body: Record<string, unknown>): Promise<void> {
    await this.api.post(`/servers/${seg(id)}/action`, body);
  }

  /** Waits for many servers with one list per interval (narrow it with `tags`); ERROR ends a wait with Nova's fault message. */
  serverWait(filter: ServerListFilter, opts: { intervalMs?: number } = {}): BatchWait<Server> {
    return new BatchWait({ kind: 'server', list: () => this.listServers(filter), id: (s) => s.id, status: (s) => s.status, failed: FAILED_STATES, explain: (s) => s.fault?.message, intervalMs: opts.intervalMs });
  }

  /** Polls until the server reaches one of `wanted`; ERROR ends the wait with Nova's fault message. */
  async waitForServerStatus(id: string, wanted: string | readonly string[], opts: WaitOptions = {}): Promise<Server> {
    const want = typeof wanted === 'string' ? [wanted] : wanted;
    return pollStatus(
      {
        what: `server ${id}`,
        fetch: () => this.getServer(id),
        status: (s) => s.status,
        wanted: want,
        failed: FAILED_STATES.filter((s) => !want.includes(s)),
        explain: (s) => s.fault?.message,
      },
      opts,
    );
  }

  /** Polls until the server is gone (404). */
  async waitForServerDeleted(id: string, opts: WaitOptions = {}): Promise<void> {
    await pollUntilGone(`server ${id}`, () => this.getServer(id), 'DELETED', ['ERROR'], opts);
  }

  async getFlavor(id: string): Promise<Flavor> {
    return (await this.api.get<{ flavor: Flavor }>(`/flavors/${seg(id)}`)).flavor;
  }

  /** Flavors visible to the caller; admins may pass isPublic 'None' to see private ones too. */
  async listFlavors(opts: { isPublic?: boolean | 'None' } = {}): Promise<Flavor[]> {
    const isPublic = opts.isPublic === undefined ? undefined : String(opts.isPublic);
    return this.api.listAll<Flavor>('/flavors/detail', 'flavors', { is_public: isPublic });
  }

  async findFlavorByName(name: string): Promise<Flavor | undefined> {
    return (await this.listFlavors()).find((f) => f.name === name);
  }

  async listVolumeAttachments(serverId: string): Promise<VolumeAttachment[]> {
    return (await this.api.get<{ volumeAttachments: VolumeAttachment[] }>(`/servers/${seg(serverId)}/os-volume_attachments`)).volumeAttachments;
  }

  /** A keypair of the caller, or (admin, 2.10+) of another user. */
  async getKeypair(name: string, userId?: string): Promise<Keypair> {
    return (await this.api.get<{ keypair: Keypair }>(`/os-keypairs/${seg(name)}`, { user_id: userId })).keypair;
  }

  async listAvailabilityZones(): Promise<AvailabilityZone[]> {
    return (await this.api.get<{ availabilityZoneInfo: AvailabilityZone[] }>('/os-availability-zone')).availabilityZoneInfo;
  }

  /** Quota and usage of the caller's project, or (admin) of `projectId`. */
  async getLimits(projectId?: string): Promise<ComputeLimits> {
    return (await this.api.get<{ limits: { absolute: ComputeLimits } }>('/limits', { tenant_id: projectId })).limits.absolute;
  }
}

/** A server list filter as Nova's query string. */
const serverQuery = (filter: ServerListFilter) => ({
  name: filter.name,
  status: filter.status,
  all_tenants: filter.allTenants ? 'True' : undefined,
  project_id: filter.projectId,
  flavor: filter.flavor,
  image: filter.image,
  ip: filter.ip,
  'changes-since': filter.changesSince,
  tags: filter.tags?.length ? filter.tags.join(',') : undefined,
  limit: filter.limit,
});
