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

const Text = Type.String({ maxLength: 255 });

/*
 * What member-add records of a member. The same closed shapes are answered by the API and carried
 * (signed) in metadata documents, where the limits keep a pushed document bounded.
 */

/** A port of a member as recorded when it was added, so failover can recreate it. */
export const MemberPort = Obj({
  id: Id,
  network_id: Id,
  mac_address: Text,
  fixed_ips: Type.Array(Obj({ subnet_id: Id, ip_address: Text }), { maxItems: 64 }),
  security_group_ids: Type.Array(Id, { maxItems: 64 }),
});
export type MemberPort = Static<typeof MemberPort>;

export const MemberVolume = Obj({
  volume_id: Id,
  device: Text,
  boot_index: Nullable(Type.Integer()),
  volume_type: Text,
  size_gb: Type.Integer({ minimum: 0 }),
  array_volume: Text,
});
export type MemberVolume = Static<typeof MemberVolume>;

export const MemberDetails = Obj({
  flavor_id: Text,
  flavor_name: Text,
  image_id: Nullable(Text),
  availability_zone: Nullable(Text),
  key_name: Nullable(Text),
  ports: Type.Array(MemberPort, { maxItems: 64 }),
  volumes: Type.Array(MemberVolume, { maxItems: 256 }),
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
