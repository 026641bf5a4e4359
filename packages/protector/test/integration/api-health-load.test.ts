// /healthz keeps answering while health of many PGs is asked over and over, and health itself
// answers every one of them from the database (issue [10]: with 954 PGs, health and /healthz
// stopped answering). Counts answers, never times them: latency figures are health.bench.ts's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startApi } from '../helpers/api.js';
import { seedRecordedPgs } from '../helpers/recorded-pgs.js';

const PGS = 300;
const HEALTH_CALLS = 40;
const HEALTHZ_CALLS = 20;

const h = await startApi();

test('/healthz answers every probe while health of hundreds of PGs is hammered, with the arrays away', async () => {
  const ids = await seedRecordedPgs(h.deps.db, { count: PGS, projectId: h.projects.demo, checkedAt: Date.now() });
  // Neither answer may touch the arrays: both are down and the driver refuses to be asked.
  h.site.arrays.setArrayDown('site-a-array', true);
  h.deps.storage = async () => {
    throw new Error('neither health nor /healthz may ask the storage driver');
  };
  const token = await h.token('alice');
  const health = Array.from({ length: HEALTH_CALLS }, () => h.call<{ health: { protection_group_id: string; failover_ready: boolean }[] }>('GET', `/v1/${h.projects.demo}/health`, { token }));
  const probes = Array.from({ length: HEALTHZ_CALLS }, (_, i) =>
    new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => h.call<{ status: string; checks: Record<string, string> }>('GET', '/healthz', { token: null })),
  );
  const [healthAnswers, probeAnswers] = await Promise.all([Promise.all(health), Promise.all(probes)]);
  for (const p of probeAnswers) assert.deepEqual([p.status, p.body.checks.database], [200, 'ok'], p.text);
  for (const a of healthAnswers) {
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.health.length, PGS);
  }
  const first = healthAnswers[0]!.body.health;
  assert.deepEqual(new Set(first.map((x) => x.protection_group_id)), new Set(ids));
  assert.ok(first.every((x) => x.failover_ready), 'every recorded PG is ready: connected, 60 s behind a 30 min RPO');
});
