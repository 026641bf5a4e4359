import type { AuthContext } from '../auth.js';
import { ApiError, badRequest, conflict } from '../http/errors.js';
import { uuid } from '../ids.js';
import type { ImageView, VolumeView } from './deps.js';
import { asNovaError, attachVolume, settle } from './lifecycle.js';
import { AVAILABILITY_ZONE, type NovaModel } from './model.js';
import type { FlavorRecord, ServerRecord } from './records.js';

export interface BdmRequest {
  source_type: 'volume' | 'image' | 'blank' | 'snapshot';
  destination_type?: 'volume' | 'local';
  boot_index?: number | string | null;
  uuid?: string;
  volume_size?: number | string;
  delete_on_termination?: boolean;
  tag?: string;
  volume_type?: string | null;
}

export type NetworksRequest = 'auto' | 'none' | { uuid?: string; fixed_ip?: string; port?: string; tag?: string }[];

export interface BootRequest {
  name: string;
  flavorRef: string;
  imageRef?: string;
  block_device_mapping_v2?: BdmRequest[];
  networks?: NetworksRequest;
  security_groups?: { name: string }[];
  key_name?: string | null;
  availability_zone?: string | null;
  metadata?: Record<string, string>;
  user_data?: string | null;
  description?: string | null;
  tags?: string[];
  adminPass?: string;
  min_count?: number;
  max_count?: number;
}

/** Who boots: the project and user the server belongs to. */
export interface BootOwner {
  projectId: string;
  userId: string;
  isAdmin: boolean;
}

export const ownerOf = (auth: AuthContext): BootOwner => ({ projectId: auth.projectId ?? '', userId: auth.userId, isAdmin: auth.isAdmin });

/** The last path segment: Nova accepts a bare id or a link for flavorRef and imageRef. */
const refId = (ref: string) => ref.replace(/\/+$/, '').split('/').pop() ?? '';

interface NetPlan {
  network_id?: string;
  fixed_ip?: string;
  port_id?: string;
}

interface VolPlan {
  boot_index: number | null;
  delete_on_termination: boolean;
  tag: string | null;
  /** An existing volume, or one to create. */
  volume?: VolumeView;
  create?: { size: number; image_id?: string; volume_type?: string };
}

const invalidBdm = (why: string) => badRequest(`Block Device Mapping is Invalid: ${why}`);

/**
 * POST /servers: checks every reference as Nova's API does before scheduling (400 naming what
 * is wrong), enforces quota, then creates and binds ports and creates and attaches volumes, all
 * in one transaction so a failure leaves nothing behind. The server starts in BUILD.
 */
export function bootServer(nova: NovaModel, owner: BootOwner, req: BootRequest, opts: { immediate?: boolean } = {}): ServerRecord {
  const { neutron } = nova.deps;
  if ((req.min_count ?? 1) !== 1 || (req.max_count ?? 1) !== 1) {
    throw badRequest('cloudsim boots one server per request: min_count and max_count must be 1.');
  }
  const flavor = resolveFlavor(nova, owner, req.flavorRef);
  const vols = planVolumes(nova, owner, req.block_device_mapping_v2 ?? []);
  const bootFromVolume = vols.some((v) => v.boot_index === 0);
  let image: ImageView | undefined;
  const imageRef = req.imageRef ?? '';
  if (!bootFromVolume) {
    if (imageRef === '') throw invalidBdm('Boot sequence for the instance and image/block device mapping combination is not valid.');
    image = resolveImage(nova, owner, imageRef);
    if (image.min_disk > flavor.disk && flavor.disk > 0) throw badRequest("Flavor's disk is too small for requested image.");
    if (image.min_ram > flavor.ram) throw badRequest("Flavor's memory is too small for requested image.");
  } else if (imageRef !== '') {
    resolveImage(nova, owner, imageRef);
  }
  let keyName: string | null = null;
  if (req.key_name) {
    if (!nova.keypairs.get(`${owner.userId}/${req.key_name}`)) throw badRequest('Invalid key_name provided.');
    keyName = req.key_name;
  }
  const az = (req.availability_zone ?? '').split(':')[0] ?? '';
  if (az !== '' && az !== AVAILABILITY_ZONE) throw badRequest('The requested availability zone is not available');
  const sgNames = (req.security_groups ?? []).map((g) => g.name);
  const sgIds: string[] = [];
  const shownGroups: string[] = [];
  for (const name of sgNames.length ? sgNames : ['default']) {
    const sg = neutron.findSecurityGroup(owner.projectId, name);
    if (!sg) {
      if (sgNames.length === 0) continue;
      throw badRequest(`Security group ${name} not found.`);
    }
    sgIds.push(sg.id);
    shownGroups.push(sg.name);
  }
  const nets = planNetworks(nova, owner, req.networks);
  nova.checkBootQuota(owner.projectId, flavor);

  const now = nova.now();
  const id = uuid();
  const server: ServerRecord = {
    id,
    name: req.name,
    project_id: owner.projectId,
    user_id: owner.userId,
    flavor: { id: flavor.id, name: flavor.name, vcpus: flavor.vcpus, ram: flavor.ram, disk: flavor.disk, ephemeral: flavor.ephemeral, swap: flavor.swap, extra_specs: { ...flavor.extra_specs } },
    image_id: bootFromVolume ? '' : (image?.id ?? ''),
    key_name: keyName,
    availability_zone: AVAILABILITY_ZONE,
    metadata: req.metadata ?? {},
    description: req.description ?? null,
    // Nova stores tags as a set.
    tags: [...new Set(req.tags ?? [])],
    user_data: req.user_data ?? null,
    hostname: req.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'server',
    reservation_id: `r-${Math.random().toString(36).slice(2, 10)}`,
    vm_state: 'building',
    task_state: null,
    task_until: now + (opts.immediate ? 0 : nova.ctx.bootTimeMs),
    created_ms: now,
    updated_ms: now,
    launched_ms: null,
    bdms: [],
    ports: [],
    security_groups: shownGroups,
    fault: null,
    locked: false,
    boot_failure: nova.deps.bootFaults?.bootFailure(req.name) ?? null,
  };
  nova.ctx.db.transaction(() => {
    nova.servers.insert(server);
    for (const n of nets) {
      try {
        const port = n.port_id
          ? neutron.getPort(n.port_id)!
          : neutron.createPort(owner.projectId, {
              network_id: n.network_id!,
              ...(n.fixed_ip ? { fixed_ips: [{ ip_address: n.fixed_ip }] } : {}),
              security_groups: sgIds,
            });
        neutron.bindPort(port.id, { device_id: id, device_owner: 'compute:nova', host_id: nova.host });
        server.ports.push({ id: port.id, owned: !n.port_id });
      } catch (err) {
        asNovaError(err, err instanceof ApiError && err.status === 409 && /in use/i.test(err.message) && n.port_id ? 409 : 400);
      }
    }
    nova.servers.put(server);
    for (const v of vols) {
      const volume = v.volume ?? nova.deps.cinder.createVolume(owner.projectId, { ...v.create!, availability_zone: AVAILABILITY_ZONE }, { immediate: true });
      try {
        attachVolume(nova, server, { volumeId: volume.id, bootIndex: v.boot_index, deleteOnTermination: v.delete_on_termination, tag: v.tag });
      } catch (err) {
        asNovaError(err, 400);
      }
    }
  })();
  return settle(nova, nova.servers.get(id)!);
}

function resolveFlavor(nova: NovaModel, owner: BootOwner, ref: string): FlavorRecord {
  const id = refId(ref);
  const f = nova.getFlavor(id);
  if (!f || !nova.flavorVisible(f, owner.projectId, owner.isAdmin)) throw badRequest(`Flavor ${id} could not be found.`);
  return f;
}

function resolveImage(nova: NovaModel, owner: BootOwner, ref: string): ImageView {
  const id = refId(ref);
  const image = nova.deps.glance.visibleImage(id, owner.projectId, owner.isAdmin);
  if (!image) throw badRequest(`Image ${id} could not be found.`);
  if (image.status !== 'active') throw badRequest(`Image ${id} is not active.`);
  return image;
}

function toInt(v: number | string | null | undefined): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isInteger(n) ? n : NaN;
}

/** Turns block_device_mapping_v2 into volumes to attach (boot volume first) or create. */
function planVolumes(nova: NovaModel, owner: BootOwner, bdms: BdmRequest[]): VolPlan[] {
  const plans: VolPlan[] = [];
  for (const b of bdms) {
    const bootIndex = toInt(b.boot_index);
    if (Number.isNaN(bootIndex)) throw invalidBdm(`boot_index ${String(b.boot_index)} is not an integer.`);
    const dest = b.destination_type ?? (b.source_type === 'volume' ? 'volume' : 'local');
    // An image to a local disk is the ordinary image boot, described the long way.
    if (b.source_type === 'image' && dest === 'local') continue;
    if (dest !== 'volume') throw invalidBdm(`Mapping ${b.source_type} to a local disk is not supported.`);
    const plan: VolPlan = { boot_index: bootIndex !== null && bootIndex >= 0 ? bootIndex : null, delete_on_termination: b.delete_on_termination ?? false, tag: b.tag ?? null };
    const size = toInt(b.volume_size);
    if (b.source_type === 'volume') {
      if (!b.uuid) throw invalidBdm('Missing device UUID.');
      const vol = nova.deps.cinder.getVolume(b.uuid);
      if (!vol || (!owner.isAdmin && vol.project_id !== owner.projectId)) throw invalidBdm(`failed to get volume ${b.uuid}.`);
      if (vol.status !== 'available') {
        throw badRequest(`Invalid volume: volume '${vol.id}' status must be 'available'. Currently in '${vol.status}' status`);
      }
      plan.volume = vol;
    } else if (b.source_type === 'image' || b.source_type === 'blank') {
      if (size === null || Number.isNaN(size) || size <= 0) {
        throw invalidBdm(`Images with destination_type 'volume' need to have a non-zero size specified`);
      }
      plan.create = { size, ...(b.volume_type ? { volume_type: b.volume_type } : {}) };
      if (b.source_type === 'image') {
        if (!b.uuid) throw invalidBdm('Missing device UUID.');
        plan.create.image_id = resolveImage(nova, owner, b.uuid).id;
      }
    } else {
      throw invalidBdm('Snapshot sources are not supported by cloudsim.');
    }
    plans.push(plan);
  }
  if (plans.filter((p) => p.boot_index === 0).length > 1) {
    throw invalidBdm('Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  return plans.sort((a, b) => (a.boot_index ?? 1e9) - (b.boot_index ?? 1e9));
}

function planNetworks(nova: NovaModel, owner: BootOwner, networks: NetworksRequest | undefined): NetPlan[] {
  const { neutron } = nova.deps;
  if (networks === 'none') return [];
  if (networks === undefined || networks === 'auto') {
    // Nova picks the project's network, or a shared one, and refuses to guess between several.
    const all = neutron.networks?.list() ?? [];
    const own = all.filter((n) => n.project_id === owner.projectId && !n['router:external']);
    const candidates = own.length ? own : all.filter((n) => n.shared && !n['router:external']);
    if (candidates.length > 1) throw conflict('Multiple possible networks found, use a Network ID to be more specific.');
    return candidates.map((n) => ({ network_id: n.id }));
  }
  return networks.map((n) => {
    if (n.port) {
      const port = neutron.getPort(n.port);
      if (!port || (!owner.isAdmin && port.project_id !== owner.projectId)) throw badRequest(`Port id ${n.port} could not be found.`);
      if (port.device_id) throw conflict(`Port ${n.port} is still in use.`);
      return { port_id: port.id };
    }
    if (!n.uuid) throw badRequest('Bad networks format: network uuid is not in proper format ()');
    if (!neutron.visibleNetwork(n.uuid, owner.projectId, owner.isAdmin)) throw badRequest(`Network ${n.uuid} could not be found.`);
    return { network_id: n.uuid, ...(n.fixed_ip ? { fixed_ip: n.fixed_ip } : {}) };
  });
}
