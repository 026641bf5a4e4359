// `protector plan …` on two real sites (cloudsim, each site's protector-api and engine, in
// process) with the compiled binary: a three-tier plan (db, app, web) with a signed hook and a
// readiness wait, created on site-a and stored on site-b at the same version, its hook secret
// included (refused with site-b down), a drill's dry run, a drill
// followed with --wait that stops at its approval until a second `protector plan approve` (and
// a pause / resume there), its cleanup in reverse tier order, then a planned failover of the
// plan, its failback, and an unplanned run from site-b alone; each PG's document in sync on
// both sites after every run.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { protectedPg } from '../../../protector/test/helpers/dr.js';
import { startCliLab } from '../helpers/cli-lab.js';

const lab = await startCliLab();
after(() => lab.close());
const { t } = lab;
const PGS = ['db', 'app', 'web'];
// Made before the engines scan: protectedPg runs its operations with engines of its own.
for (const [i, name] of PGS.entries()) await protectedPg(t, { name, servers: { [`${name}-${i}`]: 0 } });
lab.startEngines();

// The plan's hook and readiness check reach this server; a hook is signed with the secret the
// plan was created with, on whichever site runs it.
const SECRET = 'hook-secret-0123456789abcdef';
const calls: { path: string; event?: string; signed: boolean; body: { event: string; tier?: string; mode: string } | null }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const ts = String(req.headers['x-protector-timestamp'] ?? '');
    const signed = req.headers['x-protector-signature'] === `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
    calls.push({ path: req.url ?? '', event: req.headers['x-protector-event'] as string | undefined, signed, body: body ? (JSON.parse(body) as never) : null });
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
after(() => receiver.close());
const hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
const hooksFile = join(t.dir, 'hooks.yaml');
writeFileSync(hooksFile, `- { name: notify, event: before_tier, tier: db, url: '${hookBase}/hook', secret: ${SECRET} }\n`);

type Row = { Tier: string; 'Protection group': string; Operation: string; Type: string; Status: string; Site: string; 'Queued (s)': number; 'RTO (s)': number; Error: string | null };
type Shown = { id: string; name: string; version: number; tiers: { name: string; protection_groups: string[]; wait_after?: Record<string, unknown> }[]; hooks: { name: string; event: string; tier?: string }[]; copies: { site: string; version: number | null }[] };
const json = <T>(s: string): T => JSON.parse(s) as T;

async function inSyncOnBoth(name: string): Promise<void> {
  const rows = json<{ Site: string; 'Metadata version': number; 'Sync state': string }[]>((await lab.protector(['protection-group', 'sync-status', name, '-f', 'json'])).stdout);
  assert.deepEqual(rows.map((r) => r['Sync state']), ['IN SYNC', 'IN SYNC'], `${name}: ${JSON.stringify(rows)}`);
  assert.equal(rows[0]!['Metadata version'], rows[1]!['Metadata version']);
}

const pgStatus = async (name: string): Promise<string> => json<{ status: string }>((await lab.protector(['protection-group', 'show', name, '-f', 'json'])).stdout).status;

/** `plan run PLAN --mode MODE --wait -f json`: exit 0 and a completed row per PG on `site`, in `order`. */
async function runPlan(mode: string, site: string, order: string[]): Promise<Row[]> {
  const r = await lab.protector(['plan', 'run', 'three-tier', '--mode', mode, '--boot-timeout', '60', '--wait', '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = json<Row[]>(r.stdout);
  assert.deepEqual(rows.map((x) => [x['Protection group'], x.Status, x.Site]), order.map((n) => [n, 'completed', site]), r.stderr);
  assert.ok(rows.every((x) => typeof x['RTO (s)'] === 'number' && x['RTO (s)'] >= x['Queued (s)']));
  for (const n of PGS) await inSyncOnBoth(n);
  return rows;
}

test('plan create stores the plan on both sites at one version; refused, with nothing made, when the peer does not answer', async () => {
  await lab.api.b.stop();
  const refused = await lab.protector(['plan', 'create', 'lonely', '--tier', 'db=db']);
  await lab.api.b.start();
  assert.equal(refused.code, 5, refused.stderr);
  assert.match(refused.stderr, /site-b-demo is unreachable/);
  assert.equal((await lab.protector(['plan', 'show', 'lonely'])).code, 1, 'nothing was made on site-a');

  // Bad usage exits 2 before anything is made.
  for (const args of [['run', 'three-tier', '--mode', 'sideways'], ['create', 'x', '--tier', 'db'], ['create', 'x', '--tier', 'db=db', '--after', 'web=approval'], ['create', 'x', '--tier', 'db=db', '--tier', 'app=app', '--after', 'app=60'], ['create', 'x', '--tier', 'db=db', '--tier', 'app=app', '--after', 'db=soon']]) {
    const r = await lab.protector(['plan', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal((await lab.protector(['plan', 'list', '-f', 'value'])).stdout, '');

  const made = await lab.protector(['plan', 'create', 'three-tier', '--tier', 'db=db', '--tier', 'app=app', '--tier', 'web=web', '--after', 'db=approval:check the database', '--after', `app=ready:60:${hookBase}/ready`, '--hooks-file', hooksFile, '--description', 'the shop', '-f', 'json']);
  assert.equal(made.code, 0, made.stderr);
  const a = json<Shown>((await lab.protector(['plan', 'show', 'three-tier', '-f', 'json'])).stdout);
  const b = json<Shown>((await lab.protector(['plan', 'show', 'three-tier', '-f', 'json'], { from: 'b' })).stdout);
  assert.equal(a.id, b.id);
  assert.equal(a.version, b.version);
  assert.deepEqual(a.tiers, b.tiers);
  assert.deepEqual(a.tiers.map((x) => x.name), ['db', 'app', 'web']);
  assert.deepEqual(a.tiers[0]!.wait_after, { type: 'approval', prompt: 'check the database' });
  assert.deepEqual(a.tiers[1]!.wait_after, { type: 'ready', url: `${hookBase}/ready`, timeout_seconds: 60 });
  assert.deepEqual(a.hooks, b.hooks);
  assert.deepEqual(a.hooks.map((h) => [h.name, h.event, h.tier]), [['notify', 'before_tier', 'db']]);
  assert.ok(!JSON.stringify(a.hooks).includes(SECRET), 'a secret is never shown');
  assert.deepEqual(a.copies.map((c) => [c.site, c.version]), [['site-a-demo', a.version], ['site-b-demo', a.version]]);

  // A change is a new version on both sites; every list format prints it.
  const upd = await lab.protector(['plan', 'update', 'three-tier', '--description', 'the web shop', '-f', 'json']);
  assert.equal(upd.code, 0, upd.stderr);
  const after = json<Shown>((await lab.protector(['plan', 'show', 'three-tier', '-f', 'json'], { from: 'b' })).stdout);
  assert.equal(after.version, a.version + 1);
  assert.deepEqual(after.copies.map((c) => c.version), [a.version + 1, a.version + 1]);
  for (const f of ['table', 'json', 'yaml', 'value', 'csv']) {
    const l = await lab.protector(['plan', 'list', '-f', f]);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /three-tier/, f);
  }
});

test('a drill of the plan: a dry run, then tier after tier with an approval from a second shell (paused and resumed there); its cleanup in reverse order', { timeout: 240_000 }, async () => {
  const dry = await lab.protector(['plan', 'run', 'three-tier', '--mode', 'drill', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr + dry.stdout);
  assert.match(dry.stdout, /drill: all pre-checks passed for 3 protection groups/);

  const drill = lab.spawn(['plan', 'run', 'three-tier', '--mode', 'drill', '--boot-timeout', '60', '--wait', '-f', 'json']);
  const waiting = await drill.line(/waiting for approval/);
  const runId = /plan approve ([0-9a-f-]{36})/.exec(waiting)?.[1];
  assert.ok(runId, waiting);
  assert.match(waiting, /^plan three-tier: waiting for approval: check the database — run 'protector plan approve /);
  assert.ok(!drill.stderrLines.some((l) => /app test_failover (running|completed)/.test(l)), 'the app tier waits for the approval');

  const paused = await lab.protector(['plan', 'pause', runId]);
  assert.equal(paused.code, 0, paused.stderr);
  await drill.line(/paused by alice/);
  const approved = await lab.protector(['plan', 'approve', runId, '--comment', 'database checked']);
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(approved.stdout, /approved after tier db \(1\/3\); tier app \(2\/3\) starts next/);
  await drill.line(/approved by alice \(database checked\)/);
  const resumed = await lab.protector(['plan', 'resume', runId]);
  assert.equal(resumed.code, 0, resumed.stderr);
  await drill.line(/resumed$/);

  const r = await drill.done;
  assert.equal(r.code, 0, r.stderr);
  const rows = json<Row[]>(r.stdout);
  assert.deepEqual(rows.map((x) => [x.Tier, x['Protection group'], x.Type, x.Status, x.Site]), [
    ['db (1/3)', 'db', 'test_failover', 'completed', 'site-b-demo'],
    ['app (2/3)', 'app', 'test_failover', 'completed', 'site-b-demo'],
    ['web (3/3)', 'web', 'test_failover', 'completed', 'site-b-demo'],
  ]);
  // The progress told it in order: the app tier started only once approved and resumed.
  const at = (re: RegExp) => drill.stderrLines.findIndex((l) => re.test(l));
  // Site-b ran the drill: its copy of the plan signs the hook with the secret given on site-a.
  const hook = calls.find((c) => c.path === '/hook' && c.body?.mode === 'drill');
  assert.ok(hook && hook.signed, JSON.stringify(calls));
  assert.deepEqual([hook.event, hook.body?.tier], ['before_tier', 'db']);
  assert.ok(calls.some((c) => c.path === '/ready'), 'the readiness check asked the URL');
  const order = [/hooks before tier db \(1\/3\) called: notify ok/, /tier db \(1\/3\) started/, /db test_failover completed/, /tier db \(1\/3\) up$/, /waiting for approval/, /approved by alice/, /resumed$/, /tier app \(2\/3\) started/, /ready after/, /tier web \(3\/3\) started/, /tier web \(3\/3\) up/, /run completed/].map(at);
  assert.ok(order.every((x, i) => x >= 0 && (i === 0 || x > order[i - 1]!)), `${JSON.stringify(order)}\n${drill.stderrLines.join('\n')}`);
  for (const n of PGS) assert.equal(await pgStatus(n), 'test_failed_over');
  for (const n of PGS) await inSyncOnBoth(n);

  const cleanup = await runPlan('drill_cleanup', 'site-b-demo', ['web', 'app', 'db']);
  assert.deepEqual(cleanup.map((x) => x.Type), ['test_cleanup', 'test_cleanup', 'test_cleanup']);
  for (const n of PGS) assert.equal(await pgStatus(n), 'active');
});

test('a planned failover of the plan, its failback from site-a, then an unplanned run from site-b with site-a\'s Protector down', { timeout: 300_000 }, async () => {
  // The approval after db is approved as soon as the run waits for it.
  const approve = async (run: ReturnType<typeof lab.spawn>) => {
    const id = /plan approve ([0-9a-f-]{36})/.exec(await run.line(/waiting for approval/))?.[1] as string;
    assert.equal((await lab.protector(['plan', 'approve', id])).code, 0);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    return json<Row[]>(r.stdout);
  };
  const planned = await approve(lab.spawn(['plan', 'run', 'three-tier', '--mode', 'planned', '--boot-timeout', '60', '--wait', '-f', 'json']));
  assert.deepEqual(planned.map((x) => [x['Protection group'], x.Type, x.Status, x.Site]), PGS.map((n) => [n, 'failover', 'completed', 'site-b-demo']));
  for (const n of PGS) assert.equal(await pgStatus(n), 'failed_over');
  for (const n of PGS) await inSyncOnBoth(n);

  const back = await approve(lab.spawn(['plan', 'run', 'three-tier', '--mode', 'failback', '--boot-timeout', '60', '--wait', '-f', 'json']));
  assert.deepEqual(back.map((x) => [x['Protection group'], x.Type, x.Status, x.Site]), PGS.map((n) => [n, 'failback', 'completed', 'site-a-demo']));
  for (const n of PGS) assert.equal(await pgStatus(n), 'active');
  for (const n of PGS) await inSyncOnBoth(n);

  // Site-a's Protector lost after a fresh recovery point of each PG: an unplanned run goes ahead
  // from site-b alone (the plan is found there), and each PG's document reaches site-a by a sync once it is back.
  for (const n of PGS) assert.equal((await lab.protector(['recovery-point', 'create', n, '--wait'])).code, 0);
  await lab.api.a.stop();
  const unplanned = lab.spawn(['plan', 'run', 'three-tier', '--mode', 'unplanned', '--boot-timeout', '60', '--wait', '-f', 'json']);
  const lost = await approve(unplanned);
  assert.deepEqual(lost.map((x) => [x['Protection group'], x.Type, x.Status, x.Site]), PGS.map((n) => [n, 'failover', 'completed', 'site-b-demo']));
  assert.match((await unplanned.done).stderr, /the peer site did not answer: run 'protector protection-group sync db' when it is back/);
  await lab.api.a.start();
  for (const n of PGS) assert.equal((await lab.protector(['protection-group', 'sync', n])).code, 0);
  for (const n of PGS) assert.equal(await pgStatus(n), 'failed_over');
  for (const n of PGS) await inSyncOnBoth(n);

  const gone = await lab.protector(['plan', 'delete', 'three-tier']);
  assert.equal(gone.code, 0, gone.stderr);
  for (const from of ['a', 'b'] as const) assert.equal((await lab.protector(['plan', 'show', 'three-tier'], { from })).code, 1);
});
