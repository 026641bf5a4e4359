/**
 * What Nova needs from Cinder, Neutron and Glance: the parts of their models' records and
 * methods it calls. Structural, so Nova compiles against the contract rather than a class.
 */

import type { VolumeAttachment } from '../cinder/records.js';
import type { Frozen } from '../store/frozen.js';

/** Attachments are Cinder's own records; Nova reads them as they are. */
export type VolumeAttachmentView = VolumeAttachment;

export interface VolumeView {
  id: string;
  project_id: string;
  name?: string | null;
  size: number;
  status: string;
  bootable: string;
  volume_type?: string | null;
  attachments: VolumeAttachmentView[];
}

/** A model's record collection, for resolving seed names. */
export interface Listing<T> {
  list(filter?: (doc: T) => boolean): T[];
}

export interface CinderApi {
  readonly volumes?: Listing<VolumeView>;
  getVolume(id: string): VolumeView | undefined;
  createVolume(
    projectId: string,
    spec: { size: number; name?: string; image_id?: string; volume_type?: string; availability_zone?: string },
    opts?: { immediate?: boolean },
  ): VolumeView;
  attachVolume(volumeId: string, spec: { server_id: string; device: string; host_name: string }): VolumeView;
  detachVolume(volumeId: string, serverId: string): VolumeView;
  deleteVolume(volumeId: string): void;
  readVolume(volumeId: string, offset: number, length: number): Buffer;
  writeVolume(volumeId: string, offset: number, data: Buffer): void;
}

export interface PortView {
  id: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  security_groups: string[];
  device_id: string;
  device_owner: string;
}

export interface NetworkView {
  id: string;
  name: string;
  project_id: string;
  shared: boolean;
  'router:external'?: boolean;
}

export interface NeutronApi {
  /** Neutron's network collection; used to pick the network for networks 'auto'. */
  readonly networks?: Listing<NetworkView>;
  readonly ports?: Listing<PortView & { name: string }>;
  /** Read-only: Nova names addresses after networks while rendering many servers. */
  getNetwork(id: string): { readonly id: string; readonly name: string } | undefined;
  visibleNetwork(id: string, projectId: string, isAdmin: boolean): { id: string; name: string } | undefined;
  /** Read-only: Nova looks up every server's ports while rendering a list. */
  getPort(id: string): Frozen<PortView> | undefined;
  getSubnet(id: string): { id: string; ip_version: number } | undefined;
  createPort(
    projectId: string,
    spec: { network_id: string; fixed_ips?: { subnet_id?: string; ip_address?: string }[]; security_groups?: string[]; name?: string },
  ): PortView;
  bindPort(portId: string, spec: { device_id: string; device_owner: string; host_id: string }): PortView;
  unbindPort(portId: string): unknown;
  deletePort(portId: string): void;
  portsOfDevice(deviceId: string): PortView[];
  findSecurityGroup(projectId: string, nameOrId: string): { id: string; name: string } | undefined;
}

export interface ImageView {
  id: string;
  name: string | null;
  status: string;
  min_disk: number;
  min_ram: number;
}

export interface GlanceApi {
  readonly images?: Listing<ImageView>;
  getImage(id: string): ImageView | undefined;
  visibleImage(id: string, projectId: string, isAdmin: boolean): ImageView | undefined;
}

/** The site's boot fault switch (/sim/faults/boot): the fault message a boot of this name gets, if any. */
export interface BootFaultsApi {
  bootFailure(serverName: string): string | undefined;
}

export interface NovaDeps {
  cinder: CinderApi;
  neutron: NeutronApi;
  glance: GlanceApi;
  /** Absent: every boot that can be scheduled is. */
  bootFaults?: BootFaultsApi;
}
