// A site scaled out as OpenStack operators run one: `protector-lab up --apis 2 --engines 3` on a
// real MariaDB and RabbitMQ (each site its own database and vhost). Protection groups are made
// through both of site-a's APIs, then every one fails over at once through both of site-b's APIs
// while one of site-b's engines is killed with SIGKILL in the middle of its failovers: another
// engine takes each of them over once its lease expires, every failover completes, the work was
// spread across engines, and the data written on site-a before is read on site-b after.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test, type TestContext } from 'node:test';
import { guest } from '../../src/guest.js';
import { connectServer, siteDatabaseName, siteVhost } from '../../src/backends.js';
import { protectorDir } from '../../src/protector.js';
import { engineEvents, startScaleLab, type ScaleLab } from '../helpers/scale-lab.js';
import { bootServers, demoNetMappings, finishFailover, protectorVia, protectServers, raiseQuotas, startFailover } from '../helpers/workload.js';

const MYSQL = process.env.PROTECTOR_TEST_MYSQL_URL;
const TRANSPORT = process.env.PROTECTOR_TEST_TRANSPORT_URL;
const RABBIT_DIR = process.env.PROTECTOR_TEST_RABBIT_DIR;
const skip =
  MYSQL && TRANSPORT && RABBIT_DIR
    ? false
    : 'needs a real MariaDB and RabbitMQ: set PROTECTOR_TEST_MYSQL_URL, PROTECTOR_TEST_TRANSPORT_URL and PROTECTOR_TEST_RABBIT_DIR (.ci/run does; scripts/system/mariadb.sh and rabbitmq.sh start them)';

// site-a on 19900-19908 and 19921 (its second API), site-b on 20000-20007 and 20021: no other test uses them.
const BASE_PORT = 19900;
const APIS = 2;
const ENGINES = 3;
const PGS = 6;
const VMS = 2;

/** The CI server's database (`protector_test`, which its user may create databases under) and broker, with prefixes of this test's own. */
function backends(): { database: string; transportUrl: string; rabbitDir: string } {
  const database = MYSQL!.replace(/^([^:]+:\/\/[^/]*)\/?([^?]*)/, (_, server: string, name: string) => `${server}/${name || 'protector'}_scaleout`);
  const transportUrl = `${TRANSPORT!.replace(/^(rabbit:\/\/[^/]*).*$/, '$1')}/scaleout`;
  return { database, transportUrl, rabbitDir: RABBIT_DIR! };
}

const failoverText = (pg: string) => `written on site-a before the failover of ${pg}`;

const run = promisify(execFile);
const manageBin = fileURLToPath(new URL('../../../protector/dist/bin/protector-manage.js', import.meta.url));

describe('a site scaled out: 2 protector-api and 3 protector-engine processes per site on MariaDB and RabbitMQ', { skip, timeout: 420_000 }, () => {
  let lab: ScaleLab;
  const pgs: { name: string; id: string; servers: string[] }[] = [];

  // Each step builds on the one before: after a failure the rest are skipped, naming it.
  let broken: string | null = null;
  const step = (name: string, fn: (t: TestContext) => Promise<void>) =>
    test(name, async (t) => {
      if (broken) return t.skip(`"${broken}" failed`);
      try {
        await fn(t);
      } catch (err) {
        broken = name;
        if (err instanceof Error && lab) err.message += `\n(the lab's logs are kept in ${lab.dir})`;
        throw err;
      }
    });
  const sites = () => lab.sites;
  const apis = (site: string) => lab.processes(site, 'api').map((p) => p.url!);

  before(async () => {
    lab = await startScaleLab({ basePort: BASE_PORT, apis: APIS, engines: ENGINES, ...backends() });
  });
  after(async () => {
    await lab?.close({ keepLogs: broken !== null });
  });

  step('up runs every process of both sites, each site on a database and a vhost of its own', async () => {
    const b = backends();
    for (const site of sites()) {
      const procs = lab.state().protector?.find((p) => p.site === site.name)?.processes ?? [];
      assert.deepEqual(procs.map((p) => p.host), [...Array.from({ length: APIS }, (_, i) => `${site.name}-api-${i + 1}`), ...Array.from({ length: ENGINES }, (_, i) => `${site.name}-engine-${i + 1}`)]);
      // Each process logs to a file of its own.
      assert.equal(new Set(procs.map((p) => p.log)).size, procs.length);
      assert.deepEqual(apis(site.name), [`http://127.0.0.1:${site.basePort + 7}`, `http://127.0.0.1:${site.basePort + 21}`]);
      for (const url of apis(site.name)) assert.ok((await fetch(`${url}/healthz`)).ok, `${url} answers`);
      // The site's engines, and no others, consume its vhost's queue.
      const queues = lab.rabbitmqctl('list_queues', '-p', siteVhost(b.transportUrl, site.name), '--quiet', '--no-table-headers', 'name', 'consumers');
      const consumers = queues.trim().split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 2);
      assert.ok(consumers.length > 0 && consumers.every(([, n]) => Number(n) === ENGINES), `every queue of ${site.name}'s vhost has its ${ENGINES} engines as consumers:\n${queues}`);
    }
    const c = await connectServer(b.database);
    try {
      for (const site of sites()) {
        const [rows] = await c.query(`SELECT COUNT(*) AS n FROM \`${siteDatabaseName(b.database, site.name)}\`.sites`);
        assert.equal((rows as { n: number }[])[0]?.n, 2, `${site.name}'s database holds its registrations of both sites`);
      }
    } finally {
      await c.end();
    }
    assert.match(lab.up, /protector on site-a: APIs http:\/\/127\.0\.0\.1:19907, http:\/\/127\.0\.0\.1:19921/);
  });

  step(`${PGS} protection groups of ${VMS} VMs each are made on site-a, half through each of its APIs`, async () => {
    const [a, b] = sites();
    await Promise.all([raiseQuotas(a, PGS * VMS), raiseQuotas(b, PGS * VMS)]);
    const names = Array.from({ length: PGS }, (_, i) => `scale-${i}`);
    const servers = await bootServers(a, names.flatMap((pg) => Array.from({ length: VMS }, (_, j) => `${pg}-vm${j}`)));
    const mappings = await demoNetMappings(a, b);
    const owners = apis(a.name).map((url) => protectorVia(a, url));
    const peer = protectorVia(b, apis(b.name)[0]!);
    const made = await Promise.all(
      names.map(async (name, i) => {
        const ids = Array.from({ length: VMS }, (_, j) => servers.get(`${name}-vm${j}`)!);
        return { name, id: await protectServers(owners[i % owners.length]!, peer, name, ids, mappings), servers: ids };
      }),
    );
    pgs.push(...made);
    // Both APIs of each site answer from the site's one database: each lists every PG, with its members.
    for (const site of sites()) {
      for (const url of apis(site.name)) {
        const h = protectorVia(site, url);
        const listed = (await h.client.protectionGroups.list()).map((p) => p.name).filter((n) => n.startsWith('scale-'));
        assert.deepEqual(listed.sort(), [...names].sort(), `${site.name} through ${url}`);
        for (const pg of made) assert.equal((await h.client.members.list(pg.id)).length, VMS, `${pg.name}'s members on ${site.name} through ${url}`);
      }
    }
    for (const pg of made) await guest(a, pg.servers[0]!, 'write', 0, failoverText(pg.name));
  });

  step('a planned failover of every PG at once, through both of site-b APIs, completes though an engine running some of them is killed', async (t) => {
    const [a, b] = sites();
    const primary = protectorVia(a, apis(a.name)[0]!);
    const targets = apis(b.name).map((url) => protectorVia(b, url));
    const started = await Promise.all(pgs.map((pg, i) => startFailover(primary, targets[i % targets.length]!, pg.id)));
    const ids = new Set(started.map((s) => s.id));
    assert.equal(ids.size, PGS);
    const engines = lab.processes(b.name, 'engine');
    /** The failovers an engine's log shows running (started, not ended), with the steps each completed there. */
    const inFlight = (log: string) => {
      const open = new Map<string, number>();
      for (const e of engineEvents(log)) {
        if (!e.operation_id || !ids.has(e.operation_id)) continue;
        if (e.event === 'operation_started') open.set(e.operation_id, 0);
        else if (e.event === 'step_completed' && open.has(e.operation_id)) open.set(e.operation_id, open.get(e.operation_id)! + 1);
        else if (e.event.startsWith('operation_')) open.delete(e.operation_id);
      }
      return open;
    };
    const ended = () => new Set(engines.flatMap((e) => engineEvents(e.log).filter((x) => ids.has(x.operation_id ?? '') && x.event.startsWith('operation_') && x.event !== 'operation_started').map((x) => x.operation_id)));

    // The victim: the engine running the most failovers that have completed a step, so another engine resumes them mid-way.
    let victim: (typeof engines)[number] | undefined;
    const deadline = Date.now() + 120_000;
    while (!victim && Date.now() < deadline && ended().size < ids.size) {
      const busy = engines.map((e) => ({ e, n: [...inFlight(e.log).values()].filter((steps) => steps > 0).length })).sort((x, y) => y.n - x.n);
      if (busy[0]!.n > 0) victim = busy[0]!.e;
      else await new Promise((r) => setTimeout(r, 100));
    }
    if (!victim) {
      const why = await Promise.all(started.map(async (s) => s.site.client.operations.get(s.id).then((o) => `${o.id}: ${o.status}${o.error ? ` (${o.error})` : ''}`)));
      assert.fail(`no engine of site-b was found running a failover past its first step to kill (${why.join('; ')})`);
    }
    process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();
    // Read again once it is dead: what it had started and not ended, with the steps it completed of each.
    const orphans = inFlight(victim.log);
    assert.ok(orphans.size > 0, `${victim.host} was killed with failovers in flight`);

    const done = await Promise.all(started.map((s, i) => finishFailover(primary, s, pgs[i]!.id)));
    const failed = done.filter((d) => d.status !== 'completed');
    assert.deepEqual(failed.map((d) => `${d.id}: ${d.status} ${d.error ?? ''}`), [], 'every failover completed');

    // Who ran what: each engine's log names the failovers it started (a resumed one again).
    const ran = new Map(engines.map((e) => [e.host, engineEvents(e.log).filter((x) => x.event === 'operation_started' && ids.has(x.operation_id ?? ''))]));
    t.diagnostic(`failovers started per engine: ${[...ran].map(([h, evs]) => `${h} ${evs.length}`).join(', ')}; ${victim.host} killed with ${orphans.size} in flight`);
    assert.ok([...ran.values()].filter((evs) => evs.length > 0).length >= 2, 'the failovers were spread across more than one engine');
    for (const [id, steps] of orphans) {
      const takeover = [...ran].flatMap(([host, evs]) => (host === victim.host ? [] : evs.filter((x) => x.operation_id === id)));
      assert.ok(takeover.length > 0, `another engine took over failover ${id} from ${victim.host}`);
      if (steps > 0) assert.ok(takeover.every((x) => x.resumed === true), `failover ${id} was resumed after the ${steps} step(s) ${victim.host} completed, not started over`);
      t.diagnostic(`failover ${id} taken over ${((Date.parse(takeover[0]!.time) - killedAt) / 1000).toFixed(1)} s after the kill (lease_seconds 10)`);
    }

    // The operator's view: protector-manage service list names site-b's three engines, the killed
    // one down once its heartbeat is older than service_down_time (10 s in the lab), the others up.
    const conf = join(protectorDir(b, lab.dir), 'protector.conf');
    const listed = async () => {
      const { stdout } = await run(process.execPath, [manageBin, '--config-file', conf, 'service', 'list', '-f', 'json']);
      return (JSON.parse(stdout) as { Binary: string; Host: string; State: string }[]).filter((r) => r.Binary === 'protector-engine');
    };
    const wait = Date.now() + 30_000;
    let rows = await listed();
    while (rows.find((r) => r.Host === victim.host)?.State !== 'down' && Date.now() < wait) {
      await new Promise((r) => setTimeout(r, 1000));
      rows = await listed();
    }
    assert.deepEqual(rows.map((r) => `${r.Host} ${r.State}`).sort(), engines.map((e) => `${e.host} ${e.host === victim.host ? 'down' : 'up'}`).sort());
  });

  step('what site-a wrote before the failover is read on site-b after it, for every PG', async () => {
    const [, b] = sites();
    const site = protectorVia(b, apis(b.name)[1]!);
    for (const pg of pgs) {
      const first = (await site.client.members.list(pg.id)).find((m) => m.name === `${pg.name}-vm0`);
      assert.ok(first, `${pg.name}-vm0 is a member on site-b`);
      assert.equal(await guest(b, first.server_id, 'read', 0, failoverText(pg.name)), failoverText(pg.name), pg.name);
    }
  });
});
