import { Type, type Static } from 'typebox';
import { Description, Id, Name, NoQuery, Nullable, Obj, ReplicationType, Timestamp } from './common.js';
import { answers } from './errors.js';
import { PolicyInput } from './policy.js';
import { MemberDetails } from './members.js';
import { PgResources, PgStatus, SyncState } from './protection-groups.js';
import { ResourceMapping } from './resource-mappings.js';
import { PgParams } from './tenant.js';

/*
 * The cross-site metadata document (DESIGN §5, docs/metadata.md): what the user decided, relayed
 * as it is, and the facts a site's engine established, signed by the site that handed the
 * document out, with the trust ids sealed. The same closed schema is what GET answers and what a
 * push must send, with limits on every list so a push cannot be made arbitrarily large.
 */

export const MetadataVersion = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

/** A PG's resources as documents carry them: trust ids out (sealed in `facts.trusts`), the array handle in snake_case. */
export const DocumentResources = PgResources;
export type DocumentResources = PgResources;

/** What the site that hands the document out vouches for with its signature (DESIGN §5.6). */
export const DocumentFacts = Obj({
  signed_by: Name,
  project_id: Id,
  version: MetadataVersion,
  status: PgStatus,
  primary_site_id: Id,
  secondary_site_id: Id,
  current_primary_site_id: Id,
  resources: DocumentResources,
  members: Type.Record(Type.String({ maxLength: 255 }), MemberDetails, { maxProperties: 1000 }),
  trusts: Nullable(Type.String({ maxLength: 65_536, description: 'The Keystone trust id on each site, by site id, sealed with the pairing secret (null: the sites are not paired)' })),
});
export type DocumentFacts = Static<typeof DocumentFacts>;

export const MetadataDocument = Obj({
  protection_group: Obj({ id: Id, name: Name, description: Description, replication_type: ReplicationType }),
  sites: Type.Array(Obj({ id: Id, name: Name }), { minItems: 1, maxItems: 2, description: "The pair's site ids and names: the receiving site translates ids by name" }),
  members: Type.Array(Obj({ server_id: Id, name: Type.String({ maxLength: 255 }), boot_order: Type.Integer({ minimum: 0, maximum: 1000 }) }), { maxItems: 1000 }),
  policy: PolicyInput,
  resource_mappings: Type.Array(ResourceMapping, { maxItems: 1000 }),
  facts: DocumentFacts,
  signature: Nullable(Type.String({ maxLength: 255, description: 'HMAC over the facts, the PG id, its replication type and the site list; null: the sites are not paired' })),
});
export type MetadataDocument = Static<typeof MetadataDocument>;

export const Metadata = Type.Object({ version: Type.Integer(), sync_state: SyncState, document: MetadataDocument });
export type Metadata = Static<typeof Metadata>;

/** A push: stored if the receiving site still holds `expected_version` (0: it does not know the PG). */
export const MetadataPush = Obj({ expected_version: MetadataVersion, version: MetadataVersion, document: MetadataDocument });
export type MetadataPush = Static<typeof MetadataPush>;

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

const MetadataAnswer = Type.Object({ metadata: Metadata }, { description: "This site's copy, its facts signed by this site" });

export const MetadataRoutes = {
  show: { params: PgParams, querystring: NoQuery, response: answers({ 200: MetadataAnswer }) },
  push: { params: PgParams, querystring: NoQuery, body: Obj({ metadata: MetadataPush }), response: answers({ 200: MetadataAnswer }) },
  ack: { params: PgParams, querystring: NoQuery, body: Obj({ version: MetadataVersion }), response: answers({ 200: Type.Object({ metadata: MetadataAck }, { description: 'The version now acknowledged' }) }) },
  syncStatus: { params: PgParams, querystring: NoQuery, response: answers({ 200: Type.Object({ sync_status: SyncStatus }, { description: "This site's view" }) }) },
};
