/**
 * The protection group detail page's part of the dashboard's JSON API: the one document the page
 * reads, and the answers of the changes it makes (type-only; nothing here runs in the browser).
 */
import type { MappingKind, Member, Operation, Policy, RecoveryPoint, ReipRule } from '@protector/contract';
import type { SyncWord } from './api.js';

/** One site's copy of the PG's metadata, as that site's sync-status tells it (nulls: not read). */
export interface PgSiteCopy {
  site: string;
  logged_in: boolean;
  /** The site's Protector answered. */
  reachable: boolean;
  /** Why it was not read (down, not logged in); null when it answered. */
  error: string | null;
  /** The site answered and holds a copy of the PG. */
  known: boolean;
  metadata_version: number | null;
  /** In the CLI's words: IN SYNC, OUT OF SYNC, UNREACHABLE. */
  sync: SyncWord;
  status: string | null;
  active_operation_id: string | null;
  /** False while out_of_sync: that site refuses changes until a sync. */
  changes_allowed: boolean | null;
  updated_at: string | null;
}

/** Where the two copies stand, in the Coordinator's terms (pendingMetadata). */
export type MetadataState = 'in_sync' | 'push' | 'wait' | 'diverged' | 'unknown';

export interface PgMetadataView {
  sites: PgSiteCopy[];
  sync: SyncWord;
  state: MetadataState;
  /** What stands where, in a sentence for people. */
  summary: string;
  /** What this read brought together (an operation's document stored on the other site), if anything. */
  stored: string | null;
}

/** A resource mapping, its source site named as the pages name sites. */
export interface PgMappingRow {
  kind: MappingKind;
  source_site: string | null;
  source_site_id: string;
  source_id: string;
  target_id: string;
  /** A network mapping's re-IP rules (absent: none), and each as the CLI's --reip writes it. */
  reip_rules?: ReipRule[];
  reip_rules_text?: string[];
}

/** A resource a member uses with no counterpart on the other site: the engine's `mapping_missing` pre-check finding. */
export interface MissingMapping {
  kind: MappingKind;
  source_id: string;
  source_site: string | null;
  target_site: string | null;
  servers: { id: string; name: string }[];
  /** The pre-check's own sentence. */
  message: string;
}

export interface RecoveryPointRow extends RecoveryPoint {
  /** Seconds since the point's data was taken (created_at). */
  age_seconds: number;
}

export interface PgOperationRow extends Operation {
  /** The site whose engine ran it (operation ids are per site). */
  site: string;
}

export interface PgDetailView {
  protection_group: {
    id: string;
    name: string;
    description: string;
    replication_type: 'async' | 'sync';
    status: string;
    /** The site running the workload now, by the pages' site names. */
    active_site: string | null;
    primary_site: string | null;
    secondary_site: string | null;
    active_operation_id: string | null;
    metadata_version: number;
    created_at: string;
    updated_at: string;
  };
  /** The site whose copy this document shows (the newest copy that answered). */
  read_from: string;
  policy: Policy | null;
  members: Member[];
  recovery_points: RecoveryPointRow[];
  recovery_points_error: string | null;
  /** The newest recovery point against the policy's RPO target. */
  rpo: { rpo_minutes: number | null; last_recovery_point_at: string | null; lag_seconds: number | null; within_rpo: boolean | null };
  resource_mappings: PgMappingRow[];
  missing_mappings: MissingMapping[];
  /** Which site ran the mapping pre-check, and why it could not (then missing_mappings is unknown, not empty). */
  mapping_check: { site: string | null; error: string | null };
  /** Both sites' operations on this PG, newest first. */
  operations: PgOperationRow[];
  metadata: PgMetadataView;
}

export interface EligibleServer {
  id: string;
  name: string;
  status: string;
  eligible: boolean;
  /** Why it cannot be added, in the engine's words; null when eligible. */
  reason: string | null;
}

export interface EligibleServersView {
  /** The site whose servers these are: the one running the workload. */
  site: string;
  protection_group: { id: string; name: string; replication_type: 'async' | 'sync' };
  servers: EligibleServer[];
}

/** A change made on one site and pushed to the other. */
export interface PgChangeAnswer {
  /** The site the change was made on. */
  site: string;
  /** False when the change was made but its metadata could not be stored on the other site. */
  stored: boolean;
  store_error: string | null;
}

export interface MemberChangeAnswer extends PgChangeAnswer {
  operation: Operation;
}

export interface PolicyAnswer extends PgChangeAnswer {
  policy: Policy;
}

export interface MappingsAnswer extends PgChangeAnswer {
  resource_mappings: PgMappingRow[];
}

/** What a metadata sync did: whose copy was stored where, and the version both hold now. */
export interface MetadataSyncAnswer {
  from: string;
  to: string;
  version: number;
}

export interface SyncNowAnswer {
  site: string;
  operation: Operation;
}

/** The mapping editor's rows: the source site by the pages' name. */
export interface MappingInput {
  kind: MappingKind;
  source_site: string;
  source_id: string;
  target_id: string;
  /** Kept as they are: the page shows a network mapping's re-IP rules but does not edit them. */
  reip_rules?: ReipRule[];
}
