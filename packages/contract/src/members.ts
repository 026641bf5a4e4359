import { Type, type Static } from 'typebox';
import { Id, NoQuery, Nullable, Obj, Timestamp } from './common.js';
import { answers } from './errors.js';
import { OperationAnswer } from './operations.js';
import { ListQuery, listOf } from './pagination.js';
import { PgParams } from './tenant.js';

export const MemberAdd = Obj({
  server_id: Id,
  /** Tier in which it boots on failover; default after the current last. */
  boot_order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
});
export type MemberAdd = Static<typeof MemberAdd>;

/** A port of a member as recorded when it was added, so failover can recreate it. */
export const MemberPort = Type.Object({
  id: Type.String(),
  network_id: Type.String(),
  mac_address: Type.String(),
  fixed_ips: Type.Array(Type.Object({ subnet_id: Type.String(), ip_address: Type.String() })),
  security_group_ids: Type.Array(Type.String()),
});
export type MemberPort = Static<typeof MemberPort>;

export const MemberVolume = Type.Object({
  volume_id: Type.String(),
  device: Type.String(),
  boot_index: Nullable(Type.Integer()),
  volume_type: Type.String(),
  size_gb: Type.Integer(),
  array_volume: Type.String(),
});
export type MemberVolume = Static<typeof MemberVolume>;

export const MemberDetails = Type.Object({
  flavor_id: Type.String(),
  flavor_name: Type.String(),
  image_id: Nullable(Type.String()),
  availability_zone: Nullable(Type.String()),
  key_name: Nullable(Type.String()),
  ports: Type.Array(MemberPort),
  volumes: Type.Array(MemberVolume),
});
export type MemberDetails = Static<typeof MemberDetails>;

/** A server in a protection group. */
export const Member = Type.Object({
  id: Type.String(),
  pg_id: Type.String(),
  server_id: Type.String(),
  name: Type.String(),
  boot_order: Type.Integer(),
  details: MemberDetails,
  created_at: Timestamp,
});
export type Member = Static<typeof Member>;

/** `…/{pg}/members`: adding and removing are operations (202). */
export const MemberRoutes = {
  list: { params: PgParams, querystring: ListQuery, response: answers({ 200: listOf('members', Member) }) },
  add: { params: PgParams, querystring: NoQuery, body: Obj({ member: MemberAdd }), response: answers({ 202: OperationAnswer }) },
  remove: { params: Obj({ project_id: Id, pg_id: Id, server_id: Id }), querystring: NoQuery, response: answers({ 202: OperationAnswer }) },
};
