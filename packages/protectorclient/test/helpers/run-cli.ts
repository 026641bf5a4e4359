import { execFile } from 'node:child_process';
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
