/**
 * Creating, editing and deleting a protection group from the pages: the shapes of
 * /api/protection-groups (POST, PATCH, DELETE), its dry run, the create wizard's choices and the
 * follow-up (policy, mappings, members) the server runs once the PG is active. Type-only.
 */
import type { MappingKind, Operation, PolicyInput, ProtectionGroup, ReplicationType } from '@protector/contract';

/** One resource a mapping may name, on one site. */
export interface ChoiceResource {
  id: string;
  name: string;
  /** More to tell it apart: a subnet's CIDR, a flavor's size. */
  detail?: string;
}

/** A server of the project on the site the PG is created on, and whether it can join. */
export interface ChoiceServer {
  id: string;
  name: string;
  status: string;
  /** Its volumes' types (names), in device order. */
  volume_types: string[];
  /** The networks its ports are on (ids), so the wizard can say which need a mapping. */
  network_ids: string[];
  /** True when it can join a PG of this replication type (the answer's key) as far as this user can see. */
  eligible: Record<ReplicationType, boolean>;
  /** Why not, per replication type (absent when eligible). */
  reason: Partial<Record<ReplicationType, string>>;
  /** What only the site checks when it is added (a tenant does not see a volume type's replication_type). */
  note: string | null;
}

/** GET /api/protection-groups/new/choices: what the create wizard offers. */
export interface PgChoices {
  /** The site the PG is created on (its owner) and the peer that must answer. */
  site: string;
  peer: string | null;
  /** Why a create cannot be started now (the peer not logged in or down); null when it can. */
  blocked: string | null;
  replication_types: ReplicationType[];
  servers: ChoiceServer[];
  /** Per mapping kind: the owner's resources (sources) and the peer's (targets). */
  resources: Partial<Record<MappingKind, { source: ChoiceResource[]; target: ChoiceResource[] }>>;
  /** Kinds the wizard maps from lists; others are set with `protector mapping set`. */
  mapping_kinds: MappingKind[];
  /** Lists that could not be read, per kind, and why (the others are still offered). */
  resource_errors: Partial<Record<MappingKind, string>>;
  /** Names of the project's PGs on each site (a new name must be free on both). */
  taken_names: string[];
}

/** A server to protect and its boot tier (lower boots first). */
export interface PgCreateServer {
  id: string;
  boot_order?: number;
}

/** A mapping from the new PG's site to the peer (the source site is filled in once it exists). */
export interface PgCreateMapping {
  kind: MappingKind;
  source_id: string;
  target_id: string;
}

/** POST /api/protection-groups. */
export interface PgCreateInput {
  name: string;
  description?: string;
  replication_type: ReplicationType;
  servers?: (string | PgCreateServer)[];
  policy?: PolicyInput;
  mappings?: PgCreateMapping[];
  dry_run?: boolean;
}

/** One reason the create would be refused, naming the field. */
export interface PgProblem {
  field: string;
  message: string;
}

/** The dry run's answer: what would be created where, and every problem; nothing changed. */
export interface PgCreatePlan {
  dry_run: true;
  ok: boolean;
  problems: PgProblem[];
  /** What the server would do, in order, in words. */
  steps: string[];
  site: string;
  peer: string | null;
}

/** One thing the server does after the PG exists, in order. */
export interface PgSetupStep {
  /** What it is, in words: "create the protection group", "set the policy", "add server web-1". */
  what: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
  /** The operation doing it, when it is one (follow it on /operations/:site/:id). */
  operation: { site: string; id: string } | null;
  error: string | null;
}

/** GET /api/protection-groups/:pg/setup: how far the server got with a create and its follow-up. */
export interface PgSetupView {
  pg_id: string;
  name: string;
  site: string;
  /** running until every step has ended; failed when any step failed. */
  status: 'running' | 'completed' | 'failed';
  steps: PgSetupStep[];
}

/** The create's answer (202): the PG as it is now, its pg_create operation, and the follow-up. */
export interface PgCreated {
  site: string;
  protection_group: ProtectionGroup;
  operation: Operation;
  setup: PgSetupView;
}

/** PATCH /api/protection-groups/:pg (what the API's update allows). */
export interface PgUpdateInput {
  name?: string;
  description?: string;
}

/** PATCH's answer (and GET /api/protection-groups/:pg/edit's): the PG as the owning site holds it. */
export interface PgUpdated {
  site: string;
  protection_group: ProtectionGroup;
}

/** DELETE's answer (202): the PG (deleting) and the operation removing it. */
export interface PgDeleted {
  site: string;
  protection_group: ProtectionGroup;
  operation: Operation;
}
