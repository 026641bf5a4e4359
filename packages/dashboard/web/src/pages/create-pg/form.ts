import type { MappingKind, ReplicationType } from '@protector/contract';
import type { PgChoices, PgCreateInput } from '../../../../src/shared/pg-lifecycle';

/** What the create wizard's steps hold. */
export interface CreateForm {
  name: string;
  description: string;
  replication_type: ReplicationType;
  /** Server id → boot order (lower boots first). */
  servers: Record<string, number>;
  /** Off: the service's default policy applies (it can be set later). */
  policyOn: boolean;
  policy: { interval: number; rpo: number; hours: number; perDay: number; days: number };
  mappings: { kind: MappingKind; source_id: string; target_id: string }[];
}

// The fields' starting values, FlashArray's usual schedule and retention; only sent when the user turns the policy on.
export const EMPTY_FORM: CreateForm = {
  name: '',
  description: '',
  replication_type: 'async',
  servers: {},
  policyOn: false,
  policy: { interval: 15, rpo: 30, hours: 24, perDay: 4, days: 7 },
  mappings: [],
};

/** The body of POST /api/protection-groups for the form. */
export function bodyOf(f: CreateForm): PgCreateInput {
  const retention = { all_for_sec: f.policy.hours * 3600, per_day: f.policy.perDay, days: f.policy.days };
  return {
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    replication_type: f.replication_type,
    servers: Object.entries(f.servers).map(([id, boot_order]) => ({ id, boot_order })),
    ...(f.policyOn ? { policy: { interval_minutes: f.policy.interval, rpo_minutes: f.policy.rpo, retention: { source: retention, target: retention } } } : {}),
    mappings: f.mappings,
  };
}

/** Why the name cannot be used (the API's rule, and names taken on either site), or null. */
export function nameProblem(name: string, c: PgChoices | undefined): string | null {
  if (name === '') return 'A name is required.';
  if (name.length > 255) return 'At most 255 characters.';
  if (name.trim() !== name) return 'It must not start or end with a space.';
  if (c?.taken_names.includes(name)) return 'A protection group of this name already exists on a site.';
  return null;
}

/** Why the policy fields cannot be sent, or null. */
export function policyProblem(f: CreateForm): string | null {
  if (!f.policyOn) return null;
  const p = f.policy;
  const whole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!whole(p.interval, 1, 1440)) return 'The interval is a whole number of minutes from 1 to 1440.';
  if (!whole(p.rpo, 1, 10080)) return 'The RPO is a whole number of minutes from 1 to 10080.';
  if (p.rpo < p.interval) return `An RPO of ${p.rpo} min is shorter than the interval (${p.interval} min): it could never be met.`;
  if (!whole(p.hours, 0, 8760) || !whole(p.perDay, 0, 1440) || !whole(p.days, 0, 4000)) return 'Retention: hours 0–8760, per day 0–1440, days 0–4000.';
  return null;
}

/** Why the mappings cannot be sent (a row half filled), or null. */
export function mappingsProblem(f: CreateForm): string | null {
  const i = f.mappings.findIndex((m) => !m.source_id || !m.target_id);
  return i < 0 ? null : `Mapping ${i + 1} needs both a source and a target.`;
}
