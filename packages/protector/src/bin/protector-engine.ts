#!/usr/bin/env node
import { OPERATIONS_TOPIC } from '../bus/index.js';
import { isDatabaseUnavailable } from '../db/index.js';
import { DurableOperations, Engine, lifecycleWorkflows, ReplicationRefresher, SiteLimits, startSiteWatcher } from '../engine/index.js';
import { ProtectionGroups } from '../db/protection-groups.js';
import { recordOperation, recordStep } from '../observability/index.js';
import { fail, onShutdown, serviceCommand, sourcesOf } from '../service/cli.js';
import { openRuntime } from '../service/runtime.js';
import type { StorageDriver } from '../storage/index.js';

const program = serviceCommand('protector-engine', 'Runs this site’s protection-group operations (DESIGN §3).');
program.parse();

try {
  const rt = await openRuntime('protector-engine', sourcesOf(program));
  const e = rt.cfg.engine;
  const db = rt.cfg.database;
  // The operation records survive a database restart: writes are retried, holding the lease.
  const ops = new DurableOperations(rt.db, {
    owner: rt.owner,
    leaseMs: e.lease_seconds * 1000,
    watch: rt.watch.database,
    retry: { maxRetries: db.db_max_retries, initialMs: db.db_retry_interval * 1000, maxMs: db.db_max_retry_interval * 1000 },
  });
  let stopped = false;
  let engine: Engine | undefined;
  let watcher: { stop(): Promise<void> } | undefined;
  let refresher: ReplicationRefresher | undefined;
  onShutdown(
    async () => {
      stopped = true;
      ops.stopRetrying();
      await watcher?.stop();
      await refresher?.stop();
      await engine?.stop(e.lease_seconds * 1000);
      await rt.close();
    },
    (msg) => rt.logger.info(msg),
  );
  // The workflows need both sites' arrays; until an admin registers the sites there is nothing to run.
  let storage: StorageDriver | undefined;
  let said = false;
  while (!stopped) {
    try {
      if ((storage = await rt.storage())) break;
      if (!said) rt.logger.info('waiting for the local site and its peer to be registered (POST /v1/admin/sites)');
      said = true;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      rt.watch.database.failed(err);
    }
    await new Promise((r) => setTimeout(r, e.poll_interval * 1000));
  }
  if (storage && !stopped) {
    // The clients log each retry (the call and the attempt) through the service's logger.
    const deps = { pgs: new ProtectionGroups(rt.db), sites: rt.sites, storage, http: { timeoutMs: rt.cfg.storage.request_timeout * 1000, logger: rt.logger }, limits: new SiteLimits(rt.cfg.concurrency),
      // A plan run's released children: the engines hear of them at once rather than at their next scan.
      wake: (id: string) => void rt.bus.publish(OPERATIONS_TOPIC, { operation_id: id }).catch(() => {}),
    };
    const workflows = lifecycleWorkflows(deps, { stepTimeoutMs: e.step_timeout * 1000, bootTimeoutSeconds: e.server_boot_timeout, deadLinkGraceMs: e.dead_link_grace * 1000 });
    const running = new Engine(ops, rt.bus, workflows, {
      owner: rt.owner,
      capacity: { dr: e.dr_concurrency, lifecycle: e.lifecycle_concurrency },
      leaseMs: e.lease_seconds * 1000,
      heartbeatMs: e.heartbeat_seconds * 1000,
      scanMs: e.poll_interval * 1000,
      log: (event, fields) => rt.logger.info({ event, ...fields }, event),
      onStep: (x) => recordStep(rt.metrics, { type: x.type, step: x.step, status: x.status, durationSeconds: x.durationMs / 1000 }),
      onOperation: (x) => recordOperation(rt.metrics, x.type, x.status),
    });
    engine = running;
    await running.start();
    watcher = startSiteWatcher(deps, ops, {
      intervalMs: e.fence_interval * 1000,
      run: (id) => void running.tryRun(id),
      onFenced: (r) => rt.logger.warn({ event: 'fenced_servers_stopped', ...r }, `the old primary answered with fenced servers running: stopped ${r.stopped.join(', ')} (split brain prevented)`),
      onResumed: (r) => rt.logger.warn({ event: 'rollback_resumed', ...r }, `site ${r.site_id} answers again: resuming the rollback of operation ${r.operation_id} at ${r.step}`),
      onError: (err) =>
        isDatabaseUnavailable(err)
          ? rt.watch.database.failed(err)
          : rt.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'site watch failed; retried at the next interval'),
    });
    // Health answers from what this records: every PG's replication state, read in batches per array.
    refresher = new ReplicationRefresher(rt.db, storage, {
      owner: rt.owner,
      intervalMs: e.replication_poll_interval * 1000,
      onRefreshed: (r) => rt.logger.debug({ event: 'replication_state_refreshed', ...r }, `replication state of ${r.pgs} protection groups recorded (${r.kind}) in ${r.durationMs} ms`),
      onError: (err) =>
        isDatabaseUnavailable(err)
          ? rt.watch.database.failed(err)
          : rt.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'replication state refresh failed; retried at the next interval'),
    });
    refresher.start();
    rt.logger.info({ owner: rt.owner, dr_concurrency: e.dr_concurrency, lifecycle_concurrency: e.lifecycle_concurrency }, 'protector-engine running');
  }
} catch (err) {
  fail('protector-engine', err);
}
