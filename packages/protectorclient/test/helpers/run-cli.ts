import { execFile } from 'node:child_process';
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
