// The server side of api.bench.ts, run as its own process (`node --import tsx`) so the load
// generator does not share its event loop. Configured by environment:
//   BENCH_SERVER=protector  the real protector-api (buildApi) on BENCH_DB (an SQLite file),
//                           validating tokens against BENCH_AUTH_URL (Keystone /v3) with a 300 s
//                           cache, logging at info to BENCH_LOG as a deployment with log_file does;
//   BENCH_SERVER=bare       a bare Fastify app whose one route (the same URL pattern) returns the
//                           JSON text in the file BENCH_BODY.
// Listens on 127.0.0.1, an ephemeral port, and prints `listening <port>` on stdout when ready.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/app.js';
import { readinessChecks } from '../../src/api/readiness.js';
import { openStackProbe } from '../../src/api/site-probe.js';
import { openDatabase } from '../../src/db/index.js';
import { SecretBox } from '../../src/db/secrets.js';
import { KeystoneClient, KeystoneSession, TokenValidator } from '@protector/openstack';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { Enforcer } from '../../src/policy/index.js';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`api-server: ${name} is not set`);
  return v;
}

async function protectorApi(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const authUrl = env('BENCH_AUTH_URL');
  const db = openDatabase(`sqlite:///${env('BENCH_DB')}`);
  const session = new KeystoneSession({
    authUrl,
    credentials: { type: 'password', username: 'admin', password: 'secret', userDomainId: 'default', scope: { projectName: 'admin', projectDomainId: 'default' } },
  });
  const app = await buildApi({
    db,
    box: new SecretBox('bench-secret-key-0123456789'),
    enforcer: new Enforcer({}),
    tokens: new TokenValidator(new KeystoneClient(session), { cacheSeconds: 300 }),
    // Only the admin site routes probe sites; this benchmark never calls them.
    probe: openStackProbe({ timeoutMs: 5000 }),
    limits: { defaultLimit: 100, maxLimit: 1000 },
    wwwAuthenticateUri: authUrl,
    logger: createLogger({ service: 'protector-api', level: 'info', file: env('BENCH_LOG') }),
    metrics: createMetrics(),
    healthChecks: readinessChecks(db),
  });
  return {
    app,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

function bareApi(): { app: FastifyInstance; close: () => Promise<void> } {
  const body = readFileSync(env('BENCH_BODY'), 'utf8');
  const app = Fastify();
  app.get('/v1/:project_id/protection-groups/:pg_id', async (_request, reply) => {
    reply.type('application/json; charset=utf-8');
    return body;
  });
  return { app, close: () => app.close() };
}

const kind = env('BENCH_SERVER');
if (kind !== 'protector' && kind !== 'bare') throw new Error(`api-server: BENCH_SERVER must be protector or bare, not ${kind}`);
const server = kind === 'protector' ? await protectorApi() : bareApi();
await server.app.listen({ host: '127.0.0.1', port: 0 });
const address = server.app.server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
