import { Type, type Static, type TSchema } from 'typebox';
import { Description, Id, Name, NoQuery, Nullable, Obj, ReplicationType, ShowSecretsQuery, StringEnum, Timestamp } from './common.js';
import { answers } from './errors.js';
import { Operation } from './operations.js';
import { listOf, listQuery } from './pagination.js';
import { PgParams, ProjectParams } from './tenant.js';

export const PG_STATUSES = ['creating', 'active', 'failing_over', 'awaiting_commit', 'failed_over', 'failed_over_partial', 'failing_back', 'testing', 'test_failed_over', 'deleting', 'error'] as const;
export const PgStatus = StringEnum(PG_STATUSES);
export type PgStatus = Static<typeof PgStatus>;

export const SYNC_STATES = ['in_sync', 'out_of_sync'] as const;
export const SyncState = StringEnum(SYNC_STATES);
export type SyncState = Static<typeof SyncState>;

// ---- requests ----

export const ProtectionGroupCreate = Obj({ name: Name, description: Type.Optional(Description), replication_type: Type.Union([Type.Literal('async'), Type.Literal('sync')]) });
export type ProtectionGroupCreate = Static<typeof ProtectionGroupCreate>;

export const ProtectionGroupUpdate = Obj({ name: Type.Optional(Name), description: Type.Optional(Description) }, { minProperties: 1 });
export type ProtectionGroupUpdate = Static<typeof ProtectionGroupUpdate>;

/** The header carrying the caller's token for the peer site (DESIGN §5). */
export const PEER_AUTH_HEADER = 'X-Peer-Auth-Token';

/** Documents the header; its absence is checked in the handler, which names it in the 400. */
const PeerHeader = Type.Object({
  'x-peer-auth-token': Type.Optional(Type.String({ maxLength: 16384, description: "The caller's token for the peer site (DESIGN §5); used once for the trust there, never stored." })),
});

// ---- responses ----

/*
 * What a PG's engine established: answered with the PG and carried, signed, in metadata
 * documents (the same closed shapes; the limits keep a pushed document bounded).
 */
const Text = Type.String({ maxLength: 255 });
const Ids = <T extends TSchema>(value: T) => Type.Record(Type.String({ maxLength: 255 }), value, { maxProperties: 10_000 });

/** What a PG created on one site: the Cinder consistency group and its group type. */
export const PgSiteResources = Obj({
  group_type_id: Type.Optional(Id),
  group_id: Type.Optional(Id),
  trust_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'The Keystone trust the engine acts through: only with show_secrets, for callers allowed protector:secrets:show; a metadata document carrying one in the clear is refused (they travel sealed)' }),
  ),
});
export type PgSiteResources = Static<typeof PgSiteResources>;

/** The array construct: async protection group or sync pod, and the arrays it spans now. */
export const ReplicationGroupHandle = Obj({ type: ReplicationType, name: Text, source_array: Text, target_array: Text });
export type ReplicationGroupHandle = Static<typeof ReplicationGroupHandle>;

/** What a failover or drill brought up on its target site. */
export const BroughtUp = Obj({
  operation_id: Id,
  site_id: Id,
  recovery_point: Nullable(Text),
  recovery_point_time: Nullable(Type.Integer({ minimum: 0, description: "Epoch ms of the recovery point's data" })),
  networks: Type.Array(Id, { maxItems: 64 }),
  subnets: Type.Array(Id, { maxItems: 256 }),
  array_volumes: Ids(Text),
  volumes: Ids(Obj({ volume_id: Id, array_volume: Text })),
  ports: Ids(Id),
  servers: Ids(Id),
  errors: Ids(Type.String({ maxLength: 4096 })),
});
export type BroughtUp = Static<typeof BroughtUp>;

/** The old primary's copies after a failover, waiting for cleanup. */
export const Leftovers = Obj({
  operation_id: Id,
  site_id: Id,
  fenced: Type.Boolean(),
  servers: Type.Array(Id, { maxItems: 10_000 }),
  volumes: Type.Array(Id, { maxItems: 10_000 }),
  ports: Type.Array(Id, { maxItems: 10_000 }),
  stopped_on_return: Type.Optional(
    Type.Array(Obj({ server_id: Id, at: Type.Integer({ minimum: 0, description: 'Epoch ms' }) }), {
      maxItems: 10_000,
      description: 'Fenced servers found running when the old primary answered again, and stopped',
    }),
  ),
});
export type Leftovers = Static<typeof Leftovers>;

export const PgResources = Obj({
  sites: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), PgSiteResources),
  array: Type.Optional(ReplicationGroupHandle),
  failover: Type.Optional(BroughtUp),
  drill: Type.Optional(BroughtUp),
  leftovers: Type.Optional(Leftovers),
  reverse_pending: Type.Optional(Type.Boolean()),
});
export type PgResources = Static<typeof PgResources>;

export const ProtectionGroup = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  replication_type: ReplicationType,
  status: PgStatus,
  primary_site_id: Type.String(),
  secondary_site_id: Type.String(),
  current_primary_site_id: Type.String(),
  metadata_version: Type.Integer(),
  sync_state: SyncState,
  active_operation_id: Nullable(Type.String()),
  resources: PgResources,
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ProtectionGroup = Static<typeof ProtectionGroup>;

/** Creation and deletion are operations: the PG as it is now, and the operation doing the work. */
export const ProtectionGroupWithOperation = Type.Object(
  { protection_group: ProtectionGroup, operation: Operation },
  { description: 'Accepted: the protection group as it is now and the operation doing the work' },
);
export type ProtectionGroupWithOperation = Static<typeof ProtectionGroupWithOperation>;

const PgAnswer = Type.Object({ protection_group: ProtectionGroup }, { description: 'The protection group' });

/** `/v1/{project_id}/protection-groups`: the tenant's PGs; creation and deletion are operations. */
export const ProtectionGroupRoutes = {
  list: {
    params: ProjectParams,
    querystring: listQuery({ name: Type.Optional(Name), status: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' })) }),
    response: answers({ 200: listOf('protection_groups', ProtectionGroup) }),
  },
  show: { params: PgParams, querystring: ShowSecretsQuery, response: answers({ 200: PgAnswer }) },
  create: { params: ProjectParams, querystring: NoQuery, body: Obj({ protection_group: ProtectionGroupCreate }), headers: PeerHeader, response: answers({ 202: ProtectionGroupWithOperation }) },
  update: { params: PgParams, querystring: NoQuery, body: Obj({ protection_group: ProtectionGroupUpdate }), response: answers({ 200: PgAnswer }) },
  delete: { params: PgParams, querystring: NoQuery, response: answers({ 202: ProtectionGroupWithOperation }) },
};
