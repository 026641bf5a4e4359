// A lab scaled out as an operator runs a site (`protector-lab up --apis N --engines N --database
// … --transport-url …`, from the compiled binary), in its own folder and on its own ports, with
// what the system test reads of it: the state file, the engines' logs, and cleanup of the site
// databases and vhosts it made on the shared MariaDB and RabbitMQ.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectServer, listVhosts, runRabbitmqctl, siteDatabaseName, siteVhost } from '../../src/backends.js';
import { labSites, type LabSite } from '../../src/sites.js';
import { readState, type LabState, type ServiceState } from '../../src/state.js';

const run = promisify(execFile);
const labBin = fileURLToPath(new URL('../../dist/bin/protector-lab.js', import.meta.url));
const rabbitScript = fileURLToPath(new URL('../../../../scripts/system/rabbitmq.sh', import.meta.url));

export interface ScaleOptions {
  basePort: number;
  apis: number;
  engines: number;
  /** The MariaDB server (a database in it is the prefix of the sites' databases). */
  database: string;
  /** The broker (a vhost in it is the prefix of the sites' vhosts). */
  transportUrl: string;
  /** scripts/system/rabbitmq.sh's folder for that broker, for `rabbitmq.sh ctl DIR …`. */
  rabbitDir: string;
}

export interface ScaleLab {
  dir: string;
  sites: [LabSite, LabSite];
  /** What `up` printed. */
  up: string;
  state(): LabState;
  /** A site's processes of one kind, as the state file records them. */
  processes(site: string, kind: 'api' | 'engine'): ServiceState[];
  /** `rabbitmqctl` against the broker. */
  rabbitmqctl(...args: string[]): string;
  /** `protector-lab down`; the databases and vhosts removed, and the folder unless its logs are wanted. */
  close(o?: { keepLogs?: boolean }): Promise<void>;
}

/** One line of an engine's log that records an event of the runner (operation_started, step_completed, …). */
export interface EngineEvent {
  event: string;
  operation_id?: string;
  resumed?: boolean;
  time: string;
}

/** The runner's events in an engine's log, in order. */
export function engineEvents(log: string): EngineEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        const rec = JSON.parse(line) as Partial<EngineEvent>;
        return typeof rec.event === 'string' ? [rec as EngineEvent] : [];
      } catch {
        return [];
      }
    });
}

/** `rabbitmqctl` against the broker, as the lab is told to run it (scripts/system/rabbitmq.sh ctl DIR). */
const ctlOf = (o: ScaleOptions) => `${rabbitScript} ctl ${o.rabbitDir}`;

/** Removes what a lab on these backends left: both sites' databases and vhosts. */
async function dropBackends(o: ScaleOptions): Promise<void> {
  const c = await connectServer(o.database);
  try {
    for (const s of ['site-a', 'site-b']) await c.query(`DROP DATABASE IF EXISTS \`${siteDatabaseName(o.database, s)}\``);
  } finally {
    await c.end();
  }
  const vhosts = listVhosts(ctlOf(o));
  for (const s of ['site-a', 'site-b']) if (vhosts.includes(siteVhost(o.transportUrl, s))) runRabbitmqctl(ctlOf(o), 'delete_vhost', siteVhost(o.transportUrl, s));
}

/** Starts the lab on fresh backends; stopped and cleaned again if it does not come up. */
export async function startScaleLab(o: ScaleOptions): Promise<ScaleLab> {
  await dropBackends(o);
  const dir = mkdtempSync(join(tmpdir(), 'scale-out-lab-'));
  const lab = async (...args: string[]): Promise<string> => {
    try {
      return (await run(process.execPath, [labBin, ...args, '--dir', dir], { timeout: 240_000 })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`protector-lab ${args.join(' ')}: ${(e.stderr || e.message).trim()}\n${e.stdout ?? ''}`, { cause: err });
    }
  };
  let up = false;
  const close = async (c: { keepLogs?: boolean } = {}) => {
    try {
      if (up) await lab('down');
    } finally {
      if (!c.keepLogs) rmSync(dir, { recursive: true, force: true });
      await dropBackends(o);
    }
  };
  try {
    const args = ['--base-port', String(o.basePort), '--apis', String(o.apis), '--engines', String(o.engines), '--database', o.database, '--transport-url', o.transportUrl, '--rabbitmqctl', ctlOf(o)];
    const out = await lab('up', '--detach', ...args);
    up = true;
    const state = () => {
      const s = readState(dir);
      if (!s) throw new Error(`no lab.json in ${dir}`);
      return s;
    };
    return {
      dir,
      sites: labSites(o.basePort) as [LabSite, LabSite],
      up: out,
      state,
      processes: (site, kind) => (state().protector?.find((p) => p.site === site)?.processes ?? []).filter((p) => p.kind === kind),
      rabbitmqctl: (...a) => runRabbitmqctl(ctlOf(o), ...a),
      close,
    };
  } catch (err) {
    await close({ keepLogs: true }).catch(() => undefined);
    throw err;
  }
}
