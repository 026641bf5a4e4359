// `protector run report` against a real protector-api: the summary and a row per server in a
// table, the whole report in JSON, and the printable page written with --html.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunReport } from '../../src/api/index.js';
import { Operations } from '../../../protector/src/engine/operations.js';
import { startApi } from '../../../protector/test/helpers/api.js';
import { activePg } from '../../../protector/test/helpers/api-pg.js';
import { aliceCli } from '../helpers/run-cli.js';

const h = await startApi({ peer: true });
const protector = aliceCli(h.site, h.url, 'cli-run-report');

/** An unplanned failover as an engine records it: the point chosen 5 min before the start, two servers up. */
async function recordedFailover(pgId: string): Promise<string> {
  const start = Date.now() - 120_000;
  let now = start;
  const ops = new Operations(h.deps.db, () => now);
  const op = await ops.create({ id: randomUUID(), project_id: h.projects.demo, pg_id: pgId, type: 'failover', params: { type: 'unplanned' }, request_id: 'req-cli', user_id: 'someone-else' });
  now += 1000;
  assert.ok(await ops.claim(op.id, 'engine-1', 60_000));
  const step = async (seq: number, name: string, detail: Record<string, unknown>, seconds: number) => {
    await ops.stepStarted(op.id, seq, name);
    now += seconds * 1000;
    await ops.stepFinished(op.id, seq, { status: 'completed', detail });
  };
  await step(0, 'choose_recovery_point', { recovery_point: 'pg.42', data_as_of: start + 1000 - 300_000 }, 1);
  await step(1, 'create_ports', { ports: [{ server: 'db-1', port_id: 'p-db', ips: ['10.20.0.5'], requested_ips: ['10.20.0.5'], same_ip: true }, { server: 'web-1', port_id: 'p-web', ips: ['10.20.0.77'], requested_ips: ['10.20.0.6'], same_ip: false }] }, 1);
  const t = now;
  await step(2, 'boot_servers', {
    booted: [
      { server: 'db-1', member_server_id: 'src-db', server_id: 'tgt-db', tier: 0, requested_at: t, active_at: t + 4000, port_ids: ['p-db'] },
      { server: 'web-1', member_server_id: 'src-web', server_id: 'tgt-web', tier: 1, requested_at: t + 4000, active_at: t + 9500, port_ids: ['p-web'] },
    ],
    failed: [],
  }, 10);
  await ops.finish(op.id, 'engine-1', { status: 'completed' });
  return op.id;
}

test('run report: a summary and a row per server (table), the whole report (json), the printable page (--html)', async () => {
  const pgId = await activePg(h, 'report-pg');
  const id = await recordedFailover(pgId);

  const table = await protector(['run', 'report', id]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^\| mode +\| unplanned +\|$/m);
  assert.match(table.stdout, /^\| started_by +\| someone-else +\|$/m);
  // RTO: the request to the last server ACTIVE (12.5 s later); RPO: the point's age at the start (1 s after the request).
  assert.match(table.stdout, /^\| rto_seconds +\| 12\.5 +\|$/m);
  assert.match(table.stdout, /^\| rpo_seconds +\| 300 +\|$/m);
  const lines = table.stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| Tier '));
  assert.ok(header > 0, 'the rows follow the summary');
  const row = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const [db, web] = lines.slice(header + 2).filter((l) => l.startsWith('| ')).map(row);
  assert.deepEqual(db?.slice(1, 10), ['report-pg', `${id} (failover)`, 'completed', '300', '12.5', 'db-1', 'src-db', 'tgt-db', db?.[9]]);
  assert.deepEqual([web?.[1], web?.[2], web?.[6], web?.[11]], ['report-pg', '', 'web-1', '10.20.0.77 (was 10.20.0.6)']);

  const json = await protector(['run', 'report', id, '-f', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as RunReport;
  assert.deepEqual([r.operation_id, r.rto_seconds, r.rpo_seconds, r.protection_groups[0]?.servers.map((s) => [s.name, s.boot_seconds])], [id, 12.5, 300, [['db-1', 4], ['web-1', 5.5]]]);

  const file = join(mkdtempSync(join(tmpdir(), 'run-report-')), 'report.html');
  const html = await protector(['run', 'report', id, '--html', file]);
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stdout, /written to .*report\.html/);
  const page = readFileSync(file, 'utf8');
  assert.ok(page.startsWith('<!DOCTYPE html>'));
  assert.match(page, /<dt>RPO<\/dt><dd>300 s/);

  const missing = await protector(['run', 'report', randomUUID()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /could not be found/);
});
