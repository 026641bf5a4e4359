#!/usr/bin/env node
import { buildApi } from '../api/app.js';
import { readinessChecks } from '../api/readiness.js';
import { openStackProbe } from '../api/site-probe.js';
import { KeystoneClient, KeystoneSession, TokenValidator } from '@protector/openstack';
import { fail, onShutdown, serviceCommand, sourcesOf } from '../service/cli.js';
import { openRuntime } from '../service/runtime.js';

const program = serviceCommand('protector-api', 'The Protector REST API of this site (DESIGN §4).');
program.parse();

try {
  const rt = await openRuntime('protector-api', sourcesOf(program));
  const k = rt.cfg.keystone_authtoken;
  // The service's own token validates users' tokens, as keystonemiddleware does.
  const session = new KeystoneSession({
    authUrl: k.auth_url,
    region: k.region_name || undefined,
    interface: k.interface,
    credentials: {
      type: 'password',
      username: k.username,
      password: k.password,
      userDomainName: k.user_domain_name,
      scope: { projectName: k.project_name, projectDomainName: k.project_domain_name },
    },
  });
  const app = await buildApi({
    db: rt.db,
    box: rt.box,
    enforcer: rt.enforcer,
    tokens: new TokenValidator(new KeystoneClient(session), { cacheSeconds: k.token_cache_time }),
    probe: openStackProbe({ storage: () => rt.storage(), timeoutMs: rt.cfg.storage.request_timeout * 1000 }),
    limits: { defaultLimit: rt.cfg.api.default_limit, maxLimit: rt.cfg.api.max_limit },
    wwwAuthenticateUri: k.www_authenticate_uri || k.auth_url,
    logger: rt.logger,
    metrics: rt.metrics,
    bus: rt.bus,
    storage: () => rt.storage(),
    replicationRefreshMs: rt.cfg.engine.replication_poll_interval * 1000,
    serviceDownMs: rt.cfg.DEFAULT.service_down_time * 1000,
    healthChecks: readinessChecks(rt.db, rt.bus),
  });
  await app.listen({ host: rt.cfg.api.bind_host, port: rt.cfg.api.bind_port });
  rt.logger.info({ bind_host: rt.cfg.api.bind_host, bind_port: rt.cfg.api.bind_port }, 'protector-api listening');
  onShutdown(
    async () => {
      await app.close();
      await rt.close();
    },
    (msg) => rt.logger.info(msg),
  );
} catch (err) {
  fail('protector-api', err);
}
