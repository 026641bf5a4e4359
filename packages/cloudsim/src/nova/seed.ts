import type { ProjectRecord, UserRecord } from '../keystone/records.js';
import type { SiteHost } from '../host.js';
import { bootServer, type BdmRequest, type NetworksRequest } from './boot.js';
import type { Listing } from './deps.js';
import { generateSshKey, sshFingerprint } from './ssh-keys.js';

/** The seed file's Nova sections; every reference is a name. */
export interface NovaSeed {
  flavors?: { name: string; vcpus: number; ram: number; disk: number; id?: string; is_public?: boolean }[];
  keypairs?: { name: string; user: string; public_key?: string }[];
  quotas?: { project: string; instances?: number; cores?: number; ram?: number }[];
  servers?: {
    name: string;
    project: string;
    user?: string;
    flavor: string;
    image?: string;
    /** An existing volume's name, or a new volume (from `image` when given). */
    boot_volume?: string | { size: number; image?: string; type?: string };
    /** Text the guest has written to its boot disk, at SEED_DATA_OFFSET (after any image bytes). */
    data?: string;
    networks?: ({ network: string; fixed_ip?: string } | { port: string })[];
    key_name?: string;
    security_groups?: string[];
    availability_zone?: string;
  }[];
}

/** Where a seeded server's `data` lies on its boot disk: 1 MiB in, clear of the image. */
export const SEED_DATA_OFFSET = 1024 * 1024;

/**
 * Creates the seed's flavors, key pairs, quotas and servers (ACTIVE at once), skipping what
 * exists by name. An unknown name is an Error naming the entry.
 */
export function seedNova(site: SiteHost, doc: NovaSeed): void {
  const nova = site.nova;
  const ks = site.keystone;
  const project = (name: string, where: string): ProjectRecord => {
    const p = ks.projects.find((x) => x.name === name && x.domain_id === 'default') ?? ks.projects.find((x) => x.name === name);
    if (!p) throw new Error(`seed ${where}: unknown project '${name}'`);
    return p;
  };
  const user = (name: string, where: string): UserRecord => {
    const u = ks.users.find((x) => x.name === name && x.domain_id === 'default') ?? ks.users.find((x) => x.name === name);
    if (!u) throw new Error(`seed ${where}: unknown user '${name}'`);
    return u;
  };
  const byName = <T extends { id: string; name?: string | null }>(listing: Listing<T> | undefined, kind: string, name: string, where: string, filter: (x: T) => boolean = () => true): T => {
    if (!listing) throw new Error(`seed ${where}: cannot look up ${kind} '${name}' (no ${kind} listing)`);
    const found = listing.list((x) => (x.name === name || x.id === name) && filter(x));
    if (!found[0]) throw new Error(`seed ${where}: unknown ${kind} '${name}'`);
    return found[0];
  };

  for (const f of doc.flavors ?? []) {
    if (nova.flavors.find((x) => x.name === f.name)) continue;
    nova.createFlavor({ name: f.name, vcpus: f.vcpus, ram: f.ram, disk: f.disk, ...(f.id !== undefined ? { id: String(f.id) } : {}), is_public: f.is_public ?? true });
  }
  for (const k of doc.keypairs ?? []) {
    const where = `keypair '${k.name}'`;
    const u = user(k.user, where);
    const id = `${u.id}/${k.name}`;
    if (nova.keypairs.get(id)) continue;
    const publicKey = k.public_key ?? generateSshKey('Generated-by-cloudsim').publicKey;
    let fingerprint: string;
    try {
      fingerprint = sshFingerprint(publicKey);
    } catch {
      throw new Error(`seed ${where}: public_key is not an OpenSSH public key`);
    }
    nova.keypairs.insert({ id, seq: nova.keypairs.count() + 1, name: k.name, user_id: u.id, public_key: publicKey, fingerprint, type: 'ssh', created_ms: nova.now() });
  }
  for (const q of doc.quotas ?? []) {
    const change: Record<string, number> = {};
    for (const key of ['instances', 'cores', 'ram'] as const) if (q[key] !== undefined) change[key] = q[key];
    nova.setQuotas(project(q.project, `quota for '${q.project}'`).id, change);
  }
  for (const s of doc.servers ?? []) {
    const where = `server '${s.name}'`;
    const p = project(s.project, where);
    if (nova.servers.find((x) => x.name === s.name && x.project_id === p.id)) continue;
    const u = s.user ? user(s.user, where) : ks.users.find((x) => x.default_project_id === p.id) ?? user('admin', where);
    const flavor = nova.flavors.find((f) => f.name === s.flavor || f.id === s.flavor);
    if (!flavor) throw new Error(`seed ${where}: unknown flavor '${s.flavor}'`);
    const { cinder, glance, neutron } = nova.deps;
    const imageId = (name: string) => byName(glance.images, 'image', name, where).id;
    const bdms: BdmRequest[] = [];
    if (typeof s.boot_volume === 'string') {
      const vol = byName(cinder.volumes, 'volume', s.boot_volume, where, (v) => v.project_id === p.id);
      bdms.push({ source_type: 'volume', destination_type: 'volume', boot_index: 0, uuid: vol.id });
    } else if (s.boot_volume) {
      const image = s.boot_volume.image ?? s.image;
      bdms.push({
        source_type: image ? 'image' : 'blank',
        destination_type: 'volume',
        boot_index: 0,
        volume_size: s.boot_volume.size,
        ...(image ? { uuid: imageId(image) } : {}),
        ...(s.boot_volume.type ? { volume_type: s.boot_volume.type } : {}),
      });
    } else if (!s.image) {
      throw new Error(`seed ${where}: needs an image or a boot_volume`);
    }
    const networks: NetworksRequest = (s.networks ?? []).map((n) =>
      'port' in n
        ? { port: byName(neutron.ports, 'port', n.port, where).id }
        : { uuid: byName(neutron.networks, 'network', n.network, where).id, ...(n.fixed_ip ? { fixed_ip: n.fixed_ip } : {}) },
    );
    try {
      const server = bootServer(
        nova,
        { projectId: p.id, userId: u.id, isAdmin: true },
        {
          name: s.name,
          flavorRef: flavor.id,
          imageRef: s.boot_volume || !s.image ? '' : imageId(s.image),
          block_device_mapping_v2: bdms,
          networks: s.networks ? networks : 'none',
          ...(s.key_name ? { key_name: s.key_name } : {}),
          ...(s.security_groups ? { security_groups: s.security_groups.map((name) => ({ name })) } : {}),
          ...(s.availability_zone ? { availability_zone: s.availability_zone } : {}),
        },
        { immediate: true },
      );
      const boot = server.bdms.find((b) => b.boot_index === 0);
      if (s.data !== undefined) {
        if (!boot) throw new Error('data needs a boot volume');
        nova.deps.cinder.writeVolume(boot.volume_id, SEED_DATA_OFFSET, Buffer.from(s.data));
      }
    } catch (err) {
      throw new Error(`seed ${where}: ${(err as Error).message}`, { cause: err });
    }
  }
}
