import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliAuth {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
}

/** Runs Debian's real `openstack` client; returns parsed JSON when `-f json` was asked for. */
export async function openstack<T = unknown>(auth: CliAuth, args: string[], env: Record<string, string> = {}): Promise<T> {
  try {
    const { stdout } = await run('openstack', args, {
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        OS_AUTH_URL: auth.authUrl,
        OS_USERNAME: auth.username,
        OS_PASSWORD: auth.password,
        OS_PROJECT_NAME: auth.projectName,
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_IDENTITY_API_VERSION: '3',
        OS_REGION_NAME: 'RegionOne',
        ...env,
      },
    });
    return (args.includes('json') ? JSON.parse(stdout) : stdout) as T;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')} failed:\n${e.stderr ?? e.message}`, { cause: err });
  }
}

/** Polls until `check` returns true (state changes in cloudsim take its boot time). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}
