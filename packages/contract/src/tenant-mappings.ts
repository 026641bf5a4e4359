import { Type, type Static } from 'typebox';
import { Description, Id, IdParams, NoQuery, Obj, Timestamp } from './common.js';
import { answers, NoContent } from './errors.js';
import { listOf, listQuery } from './pagination.js';

export const TenantMappingCreate = Obj({ local_project_id: Id, remote_site_id: Id, remote_project_id: Id, description: Type.Optional(Description) });
export type TenantMappingCreate = Static<typeof TenantMappingCreate>;

/** Which project on the peer site stands for a local project. */
export const TenantMapping = Type.Object({
  id: Type.String(),
  local_project_id: Type.String(),
  remote_site_id: Type.String(),
  remote_project_id: Type.String(),
  description: Type.String(),
  created_at: Timestamp,
});
export type TenantMapping = Static<typeof TenantMapping>;

const MappingAnswer = Type.Object({ tenant_mapping: TenantMapping }, { description: 'The tenant mapping' });

/** `/v1/admin/tenant-mappings` (admin only). */
export const TenantMappingRoutes = {
  list: { querystring: listQuery({ local_project_id: Type.Optional(Id) }), response: answers({ 200: listOf('tenant_mappings', TenantMapping) }) },
  create: { querystring: NoQuery, body: Obj({ tenant_mapping: TenantMappingCreate }), response: answers({ 201: MappingAnswer }) },
  show: { params: IdParams, querystring: NoQuery, response: answers({ 200: MappingAnswer }) },
  delete: { params: IdParams, querystring: NoQuery, response: answers({ 204: NoContent }) },
};
