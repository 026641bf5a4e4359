import { isoMicros, isoSeconds } from '../timestamps.js';
import { JsonMemo } from '../http/json-body.js';
import { atLeast, formatVersion, type Microversion } from '../http/microversion.js';
import { serverStatus, powerState } from './lifecycle.js';
import { hostId, resourceLinks } from './links.js';
import type { NovaModel } from './model.js';
import type { Frozen } from '../store/frozen.js';
import type { PortView } from './deps.js';
import type { ServerRecord } from './records.js';

export interface ViewOptions {
  mv: Microversion;
  isAdmin: boolean;
  /** GET /servers/{id} (and PUT from 2.75) show a few fields the list does not. */
  single?: boolean;
  /** Shared by the servers of one list. */
  networkNames?: NetworkNames;
}

type Address = { version: number; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string };

/** Network names by id, looked up once per request however many servers use them. */
export type NetworkNames = Map<string, string>;

/** A server's port (absent once deleted) and the name of its network: what its addresses show. */
interface PortOnNetwork {
  port: Frozen<PortView> | undefined;
  network: string;
}

function portsOf(nova: NovaModel, s: Frozen<ServerRecord>, names: NetworkNames): PortOnNetwork[] {
  const { neutron } = nova.deps;
  return s.ports.map((ref) => {
    const port = neutron.getPort(ref.id);
    if (!port) return { port, network: '' };
    let network = names.get(port.network_id);
    if (network === undefined) {
      network = neutron.getNetwork(port.network_id)?.name ?? port.network_id;
      names.set(port.network_id, network);
    }
    return { port, network };
  });
}

/** addresses: the server's ports' fixed IPs, keyed by network name. */
export function serverAddresses(nova: NovaModel, s: Frozen<ServerRecord>, names: NetworkNames = new Map()): Record<string, Address[]> {
  return addressesOf(portsOf(nova, s, names));
}

function addressesOf(ports: PortOnNetwork[]): Record<string, Address[]> {
  const out: Record<string, Address[]> = {};
  for (const { port, network: net } of ports) {
    if (!port) continue;
    for (const ip of port.fixed_ips) {
      (out[net] ??= []).push({
        version: ip.ip_address.includes(':') ? 6 : 4,
        addr: ip.ip_address,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
      });
    }
  }
  return out;
}

/** The summary entry of GET /servers. */
export function serverSummary(root: string, s: Frozen<ServerRecord>): Record<string, unknown> {
  return { id: s.id, name: s.name, links: resourceLinks(root, 'servers', s.id) };
}

/** A server as GET /servers/detail and GET /servers/{id} show it at the request's microversion. */
const listed = new JsonMemo<Frozen<ServerRecord>>();

/**
 * serverDetail's JSON for a list, remembered while the server, its ports and their networks'
 * names stay the same (a list polled again re-renders only what changed).
 */
export function serverDetailJson(nova: NovaModel, root: string, s: Frozen<ServerRecord>, o: ViewOptions): string {
  const ports = portsOf(nova, s, o.networkNames ?? new Map());
  const variant = `${formatVersion(o.mv)} ${o.isAdmin ? 'admin' : 'user'} ${o.single ? 'single' : 'list'} ${root}`;
  return listed.json(s, variant, ports.flatMap((p) => [p.port, p.network]), () => serverDetail(nova, root, s, o, ports));
}

export function serverDetail(nova: NovaModel, root: string, s: Frozen<ServerRecord>, o: ViewOptions, ports?: PortOnNetwork[]): Record<string, unknown> {
  const { mv, isAdmin } = o;
  const status = serverStatus(s);
  const flavor = atLeast(mv, '2.47')
    ? {
        vcpus: s.flavor.vcpus,
        ram: s.flavor.ram,
        disk: s.flavor.disk,
        ephemeral: s.flavor.ephemeral,
        swap: s.flavor.swap,
        original_name: s.flavor.name,
        extra_specs: s.flavor.extra_specs,
      }
    : { id: s.flavor.id, links: [{ rel: 'bookmark', href: `${root}/flavors/${s.flavor.id}` }] };
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.project_id,
    user_id: s.user_id,
    metadata: s.metadata,
    hostId: hostId(s.project_id, nova.host),
    image: s.image_id === '' ? '' : { id: s.image_id, links: [{ rel: 'bookmark', href: `${root}/images/${s.image_id}` }] },
    flavor,
    created: isoSeconds(s.created_ms),
    updated: isoSeconds(s.updated_ms),
    addresses: addressesOf(ports ?? portsOf(nova, s, o.networkNames ?? new Map())),
    accessIPv4: '',
    accessIPv6: '',
    links: resourceLinks(root, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': s.availability_zone,
    config_drive: '',
    key_name: s.key_name,
    'OS-SRV-USG:launched_at': s.launched_ms === null ? null : isoMicros(s.launched_ms),
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-STS:task_state': s.task_state === 'rebooting_hard' ? 'reboot_started_hard' : s.task_state === 'rebooting' ? 'reboot_started' : null,
    'OS-EXT-STS:vm_state': s.vm_state,
    'OS-EXT-STS:power_state': powerState(s),
    'os-extended-volumes:volumes_attached': s.bdms.map((b) =>
      atLeast(mv, '2.3') ? { id: b.volume_id, delete_on_termination: b.delete_on_termination } : { id: b.volume_id },
    ),
    security_groups: s.security_groups.map((name) => ({ name })),
  };
  if (status === 'BUILD' || status === 'ACTIVE') view.progress = status === 'ACTIVE' ? 100 : 0;
  if (s.fault) view.fault = { code: s.fault.code, message: s.fault.message, created: isoSeconds(s.fault.created_ms) };
  if (isAdmin) {
    view['OS-EXT-SRV-ATTR:host'] = nova.host;
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = nova.host;
    view['OS-EXT-SRV-ATTR:instance_name'] = `instance-${s.id.slice(0, 8)}`;
    if (atLeast(mv, '2.3')) {
      Object.assign(view, {
        'OS-EXT-SRV-ATTR:reservation_id': s.reservation_id,
        'OS-EXT-SRV-ATTR:launch_index': 0,
        'OS-EXT-SRV-ATTR:hostname': s.hostname,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
        'OS-EXT-SRV-ATTR:user_data': s.user_data,
      });
    }
    if (atLeast(mv, '2.16')) view.host_status = 'UP';
  }
  if (atLeast(mv, '2.9')) view.locked = s.locked;
  if (atLeast(mv, '2.19')) view.description = s.description;
  if (atLeast(mv, '2.26')) view.tags = s.tags;
  if (atLeast(mv, '2.63')) view.trusted_image_certificates = null;
  if (atLeast(mv, '2.71') && o.single) view.server_groups = [];
  if (atLeast(mv, '2.73')) view.locked_reason = null;
  return view;
}
