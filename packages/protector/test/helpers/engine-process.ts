// A protector engine in its own process, for crash tests: runs one operation with the lifecycle
// workflows, each step slowed after its work is done (so a kill -9 lands between "done" and
// "recorded"). Configured by env PROTECTOR_TEST_ENGINE (JSON, see EngineProcessConfig).
import { DbBus } from '../../src/bus/index.js';
import { openDatabase } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { SecretBox } from '../../src/db/secrets.js';
import { arrayEndpoint, localPair, Sites } from '../../src/db/sites.js';
import { Engine, Operations, type Workflow } from '../../src/engine/index.js';
import { lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { createPureDriver, MockStorageDriver, type StorageDriver } from '../../src/storage/index.js';
import { TEST_STORAGE } from './test-storage.js';

export interface EngineProcessConfig {
  dbUrl: string;
  arrayFile: string;
  secretKey: string;
  localArray: string;
  peerArray: string;
  operationId: string;
  owner: string;
  leaseMs: number;
  /** PROTECTOR_TEST_STEP_DELAY_MS also works; a test-only slowdown, never in production paths. */
  stepDelayMs?: number;
  /** Slow only this step (the one the test kills the engine after); others run at full speed. */
  onlyStep?: string;
  /** `[engine] step_timeout` for the workflows, in ms. */
  stepTimeoutMs?: number;
  /** The arrays' CA, for the pure driver (PROTECTOR_TEST_STORAGE=pure, inherited from the test). */
  arrayCa?: string;
}

/** The driver the test runs on: the pure one reaches the arrays registered with the local site and its peer. */
async function storageFor(cfg: EngineProcessConfig, sites: Sites): Promise<StorageDriver> {
  if (TEST_STORAGE === 'mock') return new MockStorageDriver({ path: cfg.arrayFile, localArray: cfg.localArray, peerArray: cfg.peerArray, pollIntervalMs: 100 });
  const pair = localPair(await sites.list());
  if (!pair) throw new Error('the database has no local site and peer registered');
  return createPureDriver({ localArray: cfg.localArray, peerArray: cfg.peerArray, local: arrayEndpoint(pair.local), peer: arrayEndpoint(pair.peer), session: { ca: cfg.arrayCa }, pollIntervalMs: 100 });
}

/** Test-only: every step sleeps after its work, before the engine records it completed. */
export function slowed(workflows: Workflow[], delayMs: number, onlyStep?: string): Workflow[] {
  return workflows.map((w) => ({
    ...w,
    steps: (op) =>
      w.steps(op).map((s) => ({
        name: s.name,
        run: async (ctx) => {
          const detail = await s.run(ctx);
          process.stdout.write(`${JSON.stringify({ event: 'step_work_done', step: s.name })}\n`);
          if (!onlyStep || onlyStep === s.name) await new Promise((r) => setTimeout(r, delayMs));
          return detail;
        },
      })),
  }));
}

async function main(): Promise<void> {
  const raw = process.env.PROTECTOR_TEST_ENGINE;
  if (!raw) throw new Error('PROTECTOR_TEST_ENGINE is not set');
  const cfg = JSON.parse(raw) as EngineProcessConfig;
  const delay = cfg.stepDelayMs ?? Number(process.env.PROTECTOR_TEST_STEP_DELAY_MS ?? 0);
  const db = openDatabase(cfg.dbUrl);
  const sites = new Sites(db, new SecretBox(cfg.secretKey));
  const storage = await storageFor(cfg, sites);
  const deps = { pgs: new ProtectionGroups(db), sites, storage, http: { retries: 0 } };
  const all = lifecycleWorkflows(deps, { stepTimeoutMs: cfg.stepTimeoutMs });
  const workflows = delay > 0 ? slowed(all, delay, cfg.onlyStep) : all;
  const engine = new Engine(new Operations(db), new DbBus(db, { owner: cfg.owner, pollMs: 100 }), workflows, {
    owner: cfg.owner,
    capacity: { dr: 1, lifecycle: 1 },
    leaseMs: cfg.leaseMs,
    heartbeatMs: Math.max(50, Math.floor(cfg.leaseMs / 3)),
    scanMs: 1000,
    log: (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`),
  });
  await engine.tryRun(cfg.operationId);
  await storage.close();
  await db.destroy();
}

// Run only as a program, so tests may import `slowed`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
