// One Protector site for the dependency-outage system tests: a real protector-engine process and
// an in-process protector-api on one database (MariaDB or SQLite) and bus (the database's or a
// real RabbitMQ), two registered sites whose arrays are the simulated pair in a file, and an
// async protection group whose `replicate` operation the test can hold mid-step: the transfer it
// waits for crawls over a 1 byte/s link until the test releases it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApi } from '../../src/api/app.js';
import { readinessChecks } from '../../src/api/readiness.js';
import { openStackProbe } from '../../src/api/site-probe.js';
import { createBus, type MessageBus } from '../../src/bus/index.js';
import { openDatabase, syncDatabase, type Database } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { SecretBox } from '../../src/db/secrets.js';
import { Sites } from '../../src/db/sites.js';
import { Operations, type OperationRecord, type StepRecord } from '../../src/engine/index.js';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { Enforcer } from '../../src/policy/index.js';
import { MockStorageDriver } from '../../src/storage/index.js';

const SECRET = 'outage-test-secret-key-0123456789';
export const PROJECT = 'demo-project';
export const TOKEN = 'tok-alice';

export interface OutageSite {
  db: Kysely<Database>;
  ops: Operations;
  pgId: string;
  /** The engine's log, one JSON object per line. */
  engineLines(): Record<string, unknown>[];
  engine: ChildProcess;
  /** protector-api, in process: its URL and log lines. */
  apiUrl: string;
  apiLines(): Record<string, unknown>[];
  /** Opens the replication link up and keeps the arrays ticking (as cloudsim does in the lab): held transfers complete. */
  release(): Promise<void>;
  /** Records a replicate-now of the PG as the API does, without the API. */
  newReplicate(): Promise<OperationRecord>;
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms?: number): Promise<T>;
  stepsOf(id: string): Promise<StepRecord[]>;
  /** Snapshots taken of the PG on its source array (a repeated step would take a second). */
  snapshots(): number;
  /** Of those, the ones fully transferred to the target array. */
  transferred(): number;
  close(): Promise<void>;
}

const bin = (name: string) => fileURLToPath(new URL(`../../src/bin/${name}.ts`, import.meta.url));
const lines = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

/** `dbUrl`: MariaDB; without it a SQLite file both processes share. */
export async function outageSite(opts: { dbUrl?: string; transportUrl?: string }): Promise<OutageSite> {
  const dir = mkdtempSync(join(tmpdir(), 'protector-outage-'));
  const dbUrl = opts.dbUrl ?? `sqlite:///${join(dir, 'protector.db')}`;
  const db = openDatabase(dbUrl);
  await syncDatabase(db);
  const arraysFile = join(dir, 'arrays.db');
  const storage = new MockStorageDriver({ path: arraysFile, localArray: 'site-a-array', peerArray: 'site-b-array' });
  storage.model.createArray('site-a-array');
  storage.model.createArray('site-b-array');
  storage.model.connectArrays('site-a-array', 'site-b-array', { type: 'async-replication', bandwidth: 1 });
  const sites = new Sites(db, new SecretBox(SECRET));
  const site = async (name: string, isLocal: boolean) =>
    (await sites.create({
      name, description: '', is_local: isLocal, auth_url: `http://127.0.0.1:9/${name}/v3`, region_name: 'RegionOne',
      credentials: { username: 'protector', password: 'pw', user_domain_name: 'Default', project_name: 'service', project_domain_name: 'Default' },
      array: { name: `${name}-array`, url: null, api_token: null },
    }))!;
  const [a, b] = [await site('site-a', true), await site('site-b', false)];
  const pgId = crypto.randomUUID();
  const handle = await storage.createReplicationGroup({ id: pgId, name: 'outage', replicationType: 'async', intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
  storage.model.createVolume('site-a-array', 'volume-outage-1', 1024 * 1024);
  storage.model.writeVolume('site-a-array', 'volume-outage-1', 0, Buffer.alloc(64 * 1024, 7));
  await storage.addVolumes(handle, ['volume-outage-1']);
  await new ProtectionGroups(db).create({
    id: pgId, project_id: PROJECT, name: 'outage', description: '', replication_type: 'async', status: 'active',
    primary_site_id: a.id, secondary_site_id: b.id, current_primary_site_id: a.id, resources: { sites: {}, array: handle },
  });

  const conf = join(dir, 'protector.conf');
  const engineLog = join(dir, 'protector-engine.log');
  writeFileSync(conf, [
    '[DEFAULT]', `secret_key = ${SECRET}`, `log_file = ${engineLog}`, `transport_url = ${opts.transportUrl ?? ''}`,
    '[database]', `connection = ${dbUrl}`, 'db_retry_interval = 1', 'db_max_retry_interval = 2', 'db_max_retries = -1',
    '[engine]', 'poll_interval = 0.5', 'lease_seconds = 60', 'heartbeat_seconds = 3',
    '[storage]', `mock_storage_path = ${arraysFile}`, '',
  ].join('\n'));
  const engine = spawn(process.execPath, ['--import', 'tsx', bin('protector-engine'), '--config-file', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  engine.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const engineLines = () => {
    try {
      return lines(readFileSync(engineLog, 'utf8'));
    } catch {
      return [];
    }
  };

  const apiLog: string[] = [];
  const bus: MessageBus = await createBus({ transportUrl: opts.transportUrl ?? '', db, owner: 'outage-api', pollMs: 500 });
  const app: FastifyInstance = await buildApi({
    db, box: new SecretBox(SECRET), enforcer: new Enforcer({}),
    // The identity service is not what these tests take away: one known token, alice's.
    tokens: { validate: async (t) => (t === TOKEN ? { userId: 'alice', userName: 'alice', userDomainId: 'default', projectId: PROJECT, roles: ['member', 'reader'], isAdmin: false, expiresAt: Date.now() + 3_600_000 } : undefined) },
    probe: openStackProbe({ storage: () => storage }), storage: async () => storage, bus,
    limits: { defaultLimit: 100, maxLimit: 1000 }, wwwAuthenticateUri: 'http://127.0.0.1:9/v3',
    logger: createLogger({ service: 'protector-api', level: 'info', destination: { write: (l: string) => void apiLog.push(l) } }),
    metrics: createMetrics({ defaultMetrics: false }),
    healthChecks: readinessChecks(db, bus),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const ops = new Operations(db);
  let ticking: NodeJS.Timeout | undefined;
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      if (engine.exitCode !== null) throw new Error(`protector-engine exited with ${engine.exitCode} while waiting for ${what}: ${stderr}\n${readFileSync(engineLog, 'utf8').slice(-2000)}`);
      const got = await probe().catch(() => undefined);
      if (got !== undefined) return got;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitFor('protector-engine to run', async () => (engineLines().some((l) => l.msg === 'protector-engine running') ? true : undefined));
  return {
    db, ops, pgId, engine, engineLines, apiUrl,
    apiLines: () => lines(apiLog.join('')),
    async release() {
      storage.model.setLink('site-a-array', 'site-b-array', { bandwidth: 1024 * 1024 * 1024 });
      ticking ??= setInterval(() => storage.model.tick(), 100);
      await new Promise((r) => setTimeout(r, 300));
    },
    newReplicate: () => ops.create({ id: crypto.randomUUID(), project_id: PROJECT, pg_id: pgId, type: 'replicate', params: {}, request_id: 'req-outage', user_id: 'alice' }),
    waitFor,
    stepsOf: (id) => ops.steps(id),
    snapshots: () => storage.model.listProtectionGroupSnapshots('site-a-array', handle.name).length,
    transferred: () => storage.model.listProtectionGroupSnapshots('site-b-array').filter((x) => x.completed !== null).length,
    async close() {
      clearInterval(ticking);
      if (engine.exitCode === null) {
        engine.kill('SIGTERM');
        await new Promise((r) => engine.once('exit', r));
      }
      await app.close();
      await bus.close();
      await storage.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
