import { BatchWait } from './batch-wait.js';
import type {
  CreateGroupRequest,
  CreateVolumeRequest,
  Group,
  GroupType,
  ManageableVolume,
  ManageVolumeRequest,
  QuotaUsage,
  Snapshot,
  Volume,
  VolumeLimits,
  VolumeListFilter,
  VolumeService,
  VolumeType,
} from './cinder-types.js';
import { ServiceApi, ServiceClient, seg, type CreateOptions } from './service-api.js';
import type { KeystoneSession } from './session.js';
import { pollStatus, pollUntilGone, type WaitOptions } from './wait.js';

/**
 * 3.64: groups (3.13+), manageable volumes (3.8+), group project_id (3.58), volume_type_id (3.63).
 * Real Cinder has it since Wallaby; cloudsim serves up to 3.70.
 */
export const CINDER_MICROVERSION = '3.64';

/** The group spec that makes a generic volume group a consistency group. */
export const CONSISTENT_GROUP_SPEC = { consistent_group_snapshot_enabled: '<is> True' } as const;

const VOLUME_FAILED = ['error', 'error_deleting', 'error_extending', 'error_managing', 'error_restoring', 'error_unmanaging'];

/** Cinder v3; the catalog URL already ends in the project id. */
export class CinderClient extends ServiceClient {
  constructor(session: KeystoneSession, version = CINDER_MICROVERSION) {
    super(
      new ServiceApi(session, {
        service: 'cinder',
        catalogTypes: ['block-storage', 'volumev3'],
        microversion: { type: 'volume', version, legacyHeader: 'OpenStack-Volume-microversion' },
      }),
    );
  }

  // --- volumes ---

  async getVolume(id: string): Promise<Volume> {
    return (await this.api.get<{ volume: Volume }>(`/volumes/${seg(id)}`)).volume;
  }

  async listVolumes(filter: VolumeListFilter = {}): Promise<Volume[]> {
    return this.api.listAll<Volume>('/volumes/detail', 'volumes', {
      name: filter.name,
      status: filter.status,
      all_tenants: filter.allTenants ? '1' : undefined,
      project_id: filter.projectId,
      group_id: filter.groupId,
      metadata: filter.metadata ? JSON.stringify(filter.metadata) : undefined,
      limit: filter.limit,
    });
  }

  async createVolume(req: CreateVolumeRequest): Promise<Volume> {
    return (await this.api.post<{ volume: Volume }>('/volumes', { volume: req })).volume;
  }

  /** cascade also deletes the volume's snapshots; force (admin) skips the status check. */
  async deleteVolume(id: string, opts: { cascade?: boolean; force?: boolean } = {}): Promise<void> {
    await this.api.delete(`/volumes/${seg(id)}`, { cascade: opts.cascade ? 'true' : undefined, force: opts.force ? 'true' : undefined });
  }

  async extendVolume(id: string, newSizeGb: number): Promise<void> {
    await this.volumeAction(id, { 'os-extend': { new_size: newSizeGb } });
  }

  /** Removes the volume from Cinder and leaves it on the backend (the array renames it). */
  async unmanageVolume(id: string): Promise<void> {
    await this.volumeAction(id, { 'os-unmanage': {} });
  }

  private async volumeAction(id: string, body: Record<string, unknown>): Promise<void> {
    await this.api.post(`/volumes/${seg(id)}/action`, body);
  }

  /** Waits for many volumes with one list per interval (narrow it with `metadata`). */
  volumeWait(filter: VolumeListFilter, opts: { intervalMs?: number } = {}): BatchWait<Volume> {
    return new BatchWait({ kind: 'volume', list: () => this.listVolumes(filter), id: (v) => v.id, status: (v) => v.status, failed: VOLUME_FAILED, intervalMs: opts.intervalMs });
  }

    async waitForVolumeStatus(id: string, wanted: string | readonly string[], opts: WaitOptions = {}): Promise<Volume> {
    const want = typeof wanted === 'string' ? [wanted] : wanted;
    return pollStatus(
      { what: `volume ${id}`, fetch: () => this.getVolume(id), status: (v) => v.status, wanted: want, failed: VOLUME_FAILED.filter((s) => !want.includes(s)) },
      opts,
    );
  }

  async waitForVolumeDeleted(id: string, opts: WaitOptions = {}): Promise<void> {
    await pollUntilGone(`volume ${id}`, () => this.getVolume(id), 'deleted', ['error_deleting'], opts);
  }

  // --- manage / unmanage (admin) ---

  /** Adopts an existing backend volume, by the backend's name for it, as a new Cinder volume. With `lookup`, see CreateOptions. */
  async manageVolume(req: ManageVolumeRequest, opts: CreateOptions<Volume> = {}): Promise<Volume> {
    const { host, sourceName, ...rest } = req;
    return this.api.create('/os-volume-manage', { volume: { host, ref: { 'source-name': sourceName }, ...rest } }, (a: { volume: Volume }) => a.volume, opts);
  }

  /** The cinder-volume services (admin): their `host@backend` is what manage needs. */
  async listVolumeServices(): Promise<VolumeService[]> {
    return (await this.api.get<{ services: VolumeService[] }>('/os-services', { binary: 'cinder-volume' })).services;
  }

  async listManageableVolumes(host: string): Promise<ManageableVolume[]> {
    return this.api.listAll<ManageableVolume>('/manageable_volumes/detail', 'manageable-volumes', { host });
  }

  // --- volume types ---

  async listVolumeTypes(): Promise<VolumeType[]> {
    return (await this.api.get<{ volume_types: VolumeType[] }>('/types')).volume_types;
  }

  async getVolumeType(idOrName: string): Promise<VolumeType> {
    return (await this.api.get<{ volume_type: VolumeType }>(`/types/${seg(idOrName)}`)).volume_type;
  }

  async getVolumeTypeExtraSpecs(id: string): Promise<Record<string, string>> {
    return (await this.api.get<{ extra_specs: Record<string, string> }>(`/types/${seg(id)}/extra_specs`)).extra_specs;
  }

  // --- group types and groups ---

  async listGroupTypes(): Promise<GroupType[]> {
    return (await this.api.get<{ group_types: GroupType[] }>('/group_types')).group_types;
  }

  async getGroupType(id: string): Promise<GroupType> {
    return (await this.api.get<{ group_type: GroupType }>(`/group_types/${seg(id)}`)).group_type;
  }

  async findGroupTypeByName(name: string): Promise<GroupType | undefined> {
    return (await this.listGroupTypes()).find((t) => t.name === name);
  }

  /** Admin. Pass CONSISTENT_GROUP_SPEC for a consistency group type. */
  async createGroupType(req: { name: string; description?: string; isPublic?: boolean; groupSpecs?: Record<string, string> }): Promise<GroupType> {
    const body = { group_type: { name: req.name, description: req.description, is_public: req.isPublic ?? true, group_specs: req.groupSpecs ?? {} } };
    return (await this.api.post<{ group_type: GroupType }>('/group_types', body)).group_type;
  }

  async deleteGroupType(id: string): Promise<void> {
    await this.api.delete(`/group_types/${seg(id)}`);
  }

  /** Creates a group; Cinder answers with its id and name only (status creating). With `lookup`, see CreateOptions. */
  async createGroup(req: CreateGroupRequest, opts: CreateOptions<{ id: string; name: string | null }> = {}): Promise<{ id: string; name: string | null }> {
    return this.api.create('/groups', { group: req }, (a: { group: { id: string; name: string | null } }) => a.group, opts);
  }

  /** With listVolumes the answer carries the member volume ids (3.25). */
  async getGroup(id: string, opts: { listVolumes?: boolean } = {}): Promise<Group> {
    return (await this.api.get<{ group: Group }>(`/groups/${seg(id)}`, { list_volume: opts.listVolumes ? 'True' : undefined })).group;
  }

  async listGroups(): Promise<Group[]> {
    return this.api.listAll<Group>('/groups/detail', 'groups');
  }

  /** Adds and removes member volumes (ids joined by commas on the wire). */
  async updateGroup(id: string, change: { name?: string; description?: string; addVolumes?: readonly string[]; removeVolumes?: readonly string[] }): Promise<void> {
    const group: Record<string, string> = {};
    if (change.name !== undefined) group.name = change.name;
    if (change.description !== undefined) group.description = change.description;
    if (change.addVolumes?.length) group.add_volumes = change.addVolumes.join(',');
    if (change.removeVolumes?.length) group.remove_volumes = change.removeVolumes.join(',');
    await this.api.put(`/groups/${seg(id)}`, { group });
  }

  /** Deletes a group; deleteVolumes is required when it still has members. */
  async deleteGroup(id: string, deleteVolumes = false): Promise<void> {
    await this.api.post(`/groups/${seg(id)}/action`, { delete: { 'delete-volumes': deleteVolumes } });
  }

  async waitForGroupStatus(id: string, wanted: string, opts: WaitOptions = {}): Promise<Group> {
    return pollStatus({ what: `group ${id}`, fetch: () => this.getGroup(id), status: (g) => g.status, wanted: [wanted], failed: ['error', 'error_deleting'] }, opts);
  }

  // --- snapshots ---

  async getSnapshot(id: string): Promise<Snapshot> {
    return (await this.api.get<{ snapshot: Snapshot }>(`/snapshots/${seg(id)}`)).snapshot;
  }

  async listSnapshots(filter: { volumeId?: string } = {}): Promise<Snapshot[]> {
    return this.api.listAll<Snapshot>('/snapshots/detail', 'snapshots', { volume_id: filter.volumeId });
  }

  async createSnapshot(req: { volumeId: string; name?: string; force?: boolean }): Promise<Snapshot> {
    const body = { snapshot: { volume_id: req.volumeId, name: req.name, force: req.force ?? false } };
    return (await this.api.post<{ snapshot: Snapshot }>('/snapshots', body)).snapshot;
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.api.delete(`/snapshots/${seg(id)}`);
  }

  // --- quotas ---

  async getLimits(): Promise<VolumeLimits> {
    return (await this.api.get<{ limits: { absolute: VolumeLimits } }>('/limits')).limits.absolute;
  }

  /** Per-resource limit and usage of a project (volumes, gigabytes, snapshots, per-type keys). */
  async getQuotaUsage(projectId: string): Promise<Record<string, QuotaUsage>> {
    const body = await this.api.get<{ quota_set: Record<string, QuotaUsage | string> }>(`/os-quota-sets/${seg(projectId)}`, { usage: 'true' });
    return Object.fromEntries(Object.entries(body.quota_set).filter((e): e is [string, QuotaUsage] => typeof e[1] === 'object'));
  }
}
