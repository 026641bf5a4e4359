import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const bin = fileURLToPath(new URL('../../dist/bin/protector.js', import.meta.url));
const run = promisify(execFile);

/** The compiled `protector` binary in a subprocess, as a user runs it; never throws, so exit codes can be checked. */
export async function runProtector(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const r = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A `protector` running in the background: its stderr lines as they come, and its end. */
export interface SpawnedCli {
  /** Resolves with the first stderr line matching `re` (rejects after `ms`, naming what was seen). */
  line(re: RegExp, ms?: number): Promise<string>;
  stderrLines: string[];
  done: Promise<CliResult>;
}

/** The compiled binary in a subprocess, as runProtector, without waiting for it: a test acts while it runs (approves a plan run it follows). */
export function spawnProtector(args: string[], env: NodeJS.ProcessEnv): SpawnedCli {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stderrLines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const l of stderr.split('\n').slice(stderrLines.length, -1)) {
      stderrLines.push(l);
      for (const w of waiters.filter((x) => x.re.test(l))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  const line = (re: RegExp, ms = 120_000): Promise<string> => {
    const seen = stderrLines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stderr line matching ${re} within ${ms} ms; seen:\n${stderrLines.join('\n')}`)), ms);
      waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void done.then(() => {
        clearTimeout(timer);
        // Resolved already when the line came: a second settle does nothing.
        reject(new Error(`protector ended without a stderr line matching ${re}; seen:\n${stderrLines.join('\n')}`));
      });
    });
  };
  return { line, stderrLines, done };
}

/**
 * `protector` as alice (project demo) against one protector-api: a clouds.yaml naming the site's
 * Keystone in a fresh HOME, and the API reached directly (`--os-endpoint`).
 */
export function aliceCli(site: { url(service: 'keystone'): string }, apiUrl: string, tag: string): (args: string[]) => Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
  writeFileSync(
    join(dir, 'clouds.yaml'),
    `clouds:\n  a-demo:\n    auth: {auth_url: '${site.url('keystone')}/v3', username: alice, password: alice-pw, project_name: demo, user_domain_name: Default, project_domain_name: Default}\n    region_name: RegionOne\n`,
  );
  const env = { PATH: process.env.PATH, HOME: dir, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') };
  return (args) => runProtector(['--os-cloud', 'a-demo', '--os-endpoint', apiUrl, '--timeout', '5', ...args], env);
}
