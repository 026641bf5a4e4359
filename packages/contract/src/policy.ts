import { Type, type Static } from 'typebox';
import { NoQuery, Obj, Timestamp } from './common.js';
import { answers } from './errors.js';
import { PgParams } from './tenant.js';

/** Keep every snapshot for `all_for_sec` seconds, then `per_day` per day for `days` days. */
export const RetentionSettings = Obj({
  all_for_sec: Type.Integer({ minimum: 0, maximum: 31_536_000 }),
  per_day: Type.Integer({ minimum: 0, maximum: 1440 }),
  days: Type.Integer({ minimum: 0, maximum: 4000 }),
});
export type RetentionSettings = Static<typeof RetentionSettings>;

/** What a PUT sets: replication interval, RPO target (not shorter than the interval) and retention on both arrays. */
export const PolicyInput = Obj({
  interval_minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  rpo_minutes: Type.Integer({ minimum: 1, maximum: 10080 }),
  retention: Obj({ source: RetentionSettings, target: RetentionSettings }),
});
export type PolicyInput = Static<typeof PolicyInput>;

export const Policy = Type.Object({ pg_id: Type.String(), ...PolicyInput.properties, updated_at: Timestamp });
export type Policy = Static<typeof Policy>;

const PolicyAnswer = Type.Object({ policy: Policy }, { description: 'The replication policy' });

/** `…/{pg}/policy`: replication interval, RPO target and snapshot retention on both arrays. */
export const PolicyRoutes = {
  show: { params: PgParams, querystring: NoQuery, response: answers({ 200: PolicyAnswer }) },
  update: { params: PgParams, querystring: NoQuery, body: Obj({ policy: PolicyInput }), response: answers({ 200: PolicyAnswer }) },
};
