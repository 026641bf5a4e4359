import { Command } from 'commander';
import type { ConfigSources } from '../config/index.js';
import { defaultSources } from '../config/index.js';
import { VERSION } from '../version.js';

const collect = (v: string, all: string[]) => [...all, v];

/** The options every Protector command takes, as oslo.config-based services do. */
export function serviceCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .version(VERSION)
    .option('--config-file <path>', 'configuration file (repeatable; default /etc/protector/protector.conf)', collect, [])
    .option('--config-dir <dir>', 'directory of *.conf files read after the files (repeatable)', collect, [])
    .showHelpAfterError();
}

/** The files a command was pointed at, or the standard locations. */
export function sourcesOf(cmd: Command): ConfigSources {
  const o = cmd.opts<{ configFile: string[]; configDir: string[] }>();
  return o.configFile.length || o.configDir.length ? { files: o.configFile, dirs: o.configDir } : defaultSources();
}

/** Ends the process on SIGTERM/SIGINT after `stop` (bounded), as systemd expects of a service. */
export function onShutdown(stop: () => Promise<void>, log: (msg: string) => void): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 60_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

/** A start-up failure is one line on stderr and exit status 1, never a stack trace. */
export function fail(service: string, err: unknown): never {
  process.stderr.write(`${service}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
