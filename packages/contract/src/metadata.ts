import { Type, type Static } from 'typebox';
import { NoQuery, Nullable, Obj, Timestamp } from './common.js';
import { answers } from './errors.js';
import { PgStatus, SyncState } from './protection-groups.js';
import { PgParams } from './tenant.js';

/*
 * The metadata document itself (GET/PUT `…/metadata`) is being redesigned (issue 11, signed site
 * facts) and joins the contract with it; here are the routes around it.
 */

export const MetadataVersion = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

export const MetadataAck = Type.Object({ version: Type.Integer(), sync_state: SyncState });
export type MetadataAck = Static<typeof MetadataAck>;

/** `…/sync-status`: where the PG's metadata stands on this site. */
export const SyncStatus = Type.Object({
  protection_group_id: Type.String(),
  /** The site answering (its id in that site's registry, and its registered name). */
  site_id: Nullable(Type.String()),
  site_name: Nullable(Type.String()),
  metadata_version: Type.Integer(),
  sync_state: SyncState,
  status: PgStatus,
  current_primary_site_id: Type.String(),
  active_operation_id: Nullable(Type.String()),
  changes_allowed: Type.Boolean({ description: 'False while out_of_sync: the site refuses changes until a push is acknowledged' }),
  updated_at: Timestamp,
  rpo_minutes: Nullable(Type.Integer()),
  interval_minutes: Nullable(Type.Integer()),
});
export type SyncStatus = Static<typeof SyncStatus>;

export const MetadataRoutes = {
  ack: { params: PgParams, querystring: NoQuery, body: Obj({ version: MetadataVersion }), response: answers({ 200: Type.Object({ metadata: MetadataAck }, { description: 'The version now acknowledged' }) }) },
  syncStatus: { params: PgParams, querystring: NoQuery, response: answers({ 200: Type.Object({ sync_status: SyncStatus }, { description: "This site's view" }) }) },
};
