#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { buildDashboardApp } from '../server/app.js';
import { loadSitePair } from '../server/site-pair.js';

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port from 1 to 65535');
  return n;
};

const program = new Command('protector-dashboard')
  .description("Protector's dashboard server: each user's sessions on both sites and the pages' JSON API")
  .requiredOption('--clouds <file>', 'clouds.yaml naming the two sites (auth.auth_url, region_name, interface; credentials are ignored)')
  .option('--site <cloud>', 'a cloud of the pair (give it twice; default: the first two in the file)', (v: string, all: string[] = []) => [...all, v])
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', port, 8790)
  .option('--secure-cookie', 'mark the session cookie Secure (when served behind HTTPS)')
  .action(async (o: { clouds: string; site?: string[]; host: string; port: number; secureCookie?: boolean }) => {
    const sites = loadSitePair(o.clouds, o.site);
    const app = buildDashboardApp({ sites, secureCookie: o.secureCookie === true });
    await app.listen({ host: o.host, port: o.port });
    console.log(`protector-dashboard on http://${o.host}:${o.port} for ${sites.map((s) => s.name).join(' and ')}`);
    const stop = () => void app.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`protector-dashboard: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
