import type { FastifyRequest } from 'fastify';
import { JsonMemo } from '../../http/json-body.js';
import { atLeast, formatVersion } from '../../http/microversion.js';
import type { GroupRecord, GroupTypeRecord, SnapshotRecord, VolumeRecord, VolumeTypeRecord } from '../records.js';
import type { Frozen } from '../../store/frozen.js';
import { caller } from './common.js';

const links = (root: string, projectId: string, kind: string, id: string) => [
  { href: `${root}/v3/${projectId}/${kind}/${id}`, rel: 'self' },
  { href: `${root}/${projectId}/${kind}/${id}`, rel: 'bookmark' },
];

/** The short form lists use: id, name, links. */
export function volumeSummary(root: string, v: Frozen<VolumeRecord>) {
  return { id: v.id, name: v.name, links: links(root, v.project_id, 'volumes', v.id) };
}

const listed = new JsonMemo<Frozen<VolumeRecord>>();

/** volumeDetail's JSON for a list, remembered while the volume stays the same. */
export function volumeDetailJson(req: FastifyRequest, root: string, v: Frozen<VolumeRecord>): string {
  const variant = `${formatVersion(req.microversion)} ${caller(req).isAdmin ? 'admin' : 'user'} ${root}`;
  return listed.json(v, variant, [], () => volumeDetail(req, root, v));
}

/** Cinder's detailed volume view; admin-only and microversion-gated fields as Cinder shows them. */
export function volumeDetail(req: FastifyRequest, root: string, v: Frozen<VolumeRecord>): Record<string, unknown> {
  const admin = caller(req).isAdmin;
  const view: Record<string, unknown> = {
    id: v.id,
    name: v.name,
    description: v.description,
    status: v.status,
    size: v.size,
    availability_zone: v.availability_zone,
    created_at: v.created_at,
    updated_at: v.updated_at,
    attachments: v.attachments,
    bootable: v.bootable,
    encrypted: v.encrypted,
    multiattach: v.multiattach,
    metadata: v.metadata,
    links: links(root, v.project_id, 'volumes', v.id),
    volume_type: v.volume_type,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    consistencygroup_id: v.consistencygroup_id,
    replication_status: v.replication_status,
    migration_status: v.migration_status,
    user_id: v.user_id,
    'os-vol-tenant-attr:tenant_id': v.project_id,
  };
  if (v.volume_image_metadata) view.volume_image_metadata = v.volume_image_metadata;
  if (admin) {
    view['os-vol-host-attr:host'] = v['os-vol-host-attr:host'];
    view['os-vol-mig-status-attr:migstat'] = v.migration_status;
    view['os-vol-mig-status-attr:name_id'] = null;
  }
  const mv = req.microversion;
  if (atLeast(mv, '3.13')) view.group_id = v.group_id;
  if (atLeast(mv, '3.21') && admin) view.provider_id = null;
  if (atLeast(mv, '3.48')) {
    view.shared_targets = false;
    view.service_uuid = 'a1b2c3d4-0000-4000-8000-00000000c1d2';
  }
  if (atLeast(mv, '3.61') && admin) view.cluster_name = null;
  if (atLeast(mv, '3.63')) view.volume_type_id = v.volume_type_id;
  if (atLeast(mv, '3.65')) view.consumes_quota = true;
  return view;
}

export function snapshotView(req: FastifyRequest, s: Frozen<SnapshotRecord>): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    description: s.description,
    volume_id: s.volume_id,
    status: s.status,
    size: s.size,
    metadata: s.metadata,
    created_at: s.created_at,
    updated_at: s.updated_at,
    'os-extended-snapshot-attributes:progress': s.progress,
    'os-extended-snapshot-attributes:project_id': s.project_id,
  };
  if (atLeast(req.microversion, '3.14')) view.group_snapshot_id = s.group_snapshot_id;
  if (atLeast(req.microversion, '3.41')) view.user_id = s.user_id;
  if (atLeast(req.microversion, '3.65')) view.consumes_quota = true;
  return view;
}

/** Keys a non-admin sees in extra_specs (Cinder's user-visible specs). */
const USER_VISIBLE_SPECS = ['multiattach', 'RESKEY:availability_zones', 'replication_enabled'];

export function volumeTypeView(req: FastifyRequest, t: VolumeTypeRecord): Record<string, unknown> {
  const admin = caller(req).isAdmin;
  const specs = admin ? t.extra_specs : Object.fromEntries(Object.entries(t.extra_specs).filter(([k]) => USER_VISIBLE_SPECS.includes(k)));
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: t.is_public,
    'os-volume-type-access:is_public': t.is_public,
    extra_specs: specs,
    qos_specs_id: null,
  };
}

export function groupTypeView(t: GroupTypeRecord): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, is_public: t.is_public, group_specs: t.group_specs };
}

export function groupDetail(req: FastifyRequest, g: Frozen<GroupRecord>, volumeIds: () => string[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: g.id,
    name: g.name,
    description: g.description,
    status: g.status,
    availability_zone: g.availability_zone,
    created_at: g.created_at,
    group_type: g.group_type,
    volume_types: g.volume_types,
  };
  const mv = req.microversion;
  if (atLeast(mv, '3.14')) {
    view.group_snapshot_id = g.group_snapshot_id;
    view.source_group_id = g.source_group_id;
  }
  if (atLeast(mv, '3.38')) view.replication_status = g.replication_status;
  if (atLeast(mv, '3.58')) view.project_id = g.project_id;
  if (atLeast(mv, '3.25') && (req.query as Record<string, unknown>).list_volume !== undefined) view.volumes = volumeIds();
  return view;
}
