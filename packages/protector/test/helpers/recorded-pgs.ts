import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ArrayModel, ManualClock } from '@protector/arraysim';
import type { Database } from '../../src/db/index.js';
import { ProtectionGroups } from '../../src/db/protection-groups.js';
import { ReplicationStates, type RecordedState } from '../../src/db/replication-state.js';
import { ReplicationRefresher } from '../../src/engine/replication-refresher.js';
import { FlashArrayDriver, type ArrayPort, type ReplicationGroupHandle, type StorageDriver } from '../../src/storage/index.js';
import { ModelArrayPort } from '../../src/storage/flasharray/model-port.js';

/**
 * The FlashArray driver on the model's two arrays, with every array call it makes listed
 * (`<array> <method>`). On a manual clock its waits advance the clock and tick the arrays.
 */
export function countingDriver(model: ArrayModel, local: string, peer: string, clock?: ManualClock): { driver: FlashArrayDriver; calls: string[] } {
  const calls: string[] = [];
  const counted = (port: ArrayPort): ArrayPort =>
    new Proxy(port, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || prop === 'close') return v;
        return (...args: unknown[]) => {
          calls.push(`${target.name} ${String(prop)}`);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const sleep = clock
    ? async (ms: number) => {
        clock.advance(ms);
        model.tick();
      }
    : undefined;
  const driver = new FlashArrayDriver({ name: 'mock', local: counted(new ModelArrayPort(model, local)), peer: counted(new ModelArrayPort(model, peer)), clock, pollIntervalMs: 100, sleep });
  return { driver, calls };
}

export interface SeededPg {
  id: string;
  handle: ReplicationGroupHandle;
}

/**
 * `count` active PGs in `projectId` with `members` members each and their constructs on the
 * arrays (created through `driver`, async unless `sync` says), as pg_create and member_add leave them.
 */
export async function seedPgs(
  db: Kysely<Database>,
  driver: FlashArrayDriver,
  o: { count: number; projectId: string; members?: number; sync?: (i: number) => boolean; prefix?: string },
): Promise<SeededPg[]> {
  const pgs = new ProtectionGroups(db);
  const out: SeededPg[] = [];
  for (let i = 0; i < o.count; i++) {
    const id = randomUUID();
    const name = `${o.prefix ?? 'pg'}-${i}`;
    const replicationType = o.sync?.(i) ? 'sync' : 'async';
    const handle = await driver.createReplicationGroup({ id, name, replicationType, intervalSeconds: 3600, retention: { keepAllForSeconds: 86400, perDay: 4, days: 7 } });
    await pgs.create({
      id,
      project_id: o.projectId,
      name,
      description: '',
      replication_type: replicationType,
      status: 'active',
      primary_site_id: 'site-a',
      secondary_site_id: 'site-b',
      current_primary_site_id: 'site-a',
      resources: { sites: {}, array: handle },
    });
    for (let m = 0; m < (o.members ?? 1); m++) {
      await pgs.putMember({ id: randomUUID(), pg_id: id, server_id: randomUUID(), name: `${name}-vm${m}`, boot_order: 0, details: { flavor_id: 'f', flavor_name: 'm1.small', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] } });
    }
    out.push({ id, handle });
  }
  return out;
}

/**
 * `count` active PGs of `projectId` with `members` members each and a recorded replication state
 * (connected, `lagMs` behind, read at `checkedAt`), written straight to the database: what health
 * reads once the engine has refreshed, without an array behind it.
 */
export async function seedRecordedPgs(
  db: Kysely<Database>,
  o: { count: number; projectId: string; members?: number; checkedAt: number; lagMs?: number },
): Promise<string[]> {
  const ids: string[] = [];
  const states: RecordedState[] = [];
  await db.transaction().execute(async (tx) => {
    const pgs = new ProtectionGroups(tx);
    for (let i = 0; i < o.count; i++) {
      const id = randomUUID();
      const handle: ReplicationGroupHandle = { type: 'async', name: `protector-${id}`, sourceArray: 'fa-a', targetArray: 'fa-b' };
      await pgs.create({ id, project_id: o.projectId, name: `pg-${i}`, description: '', replication_type: 'async', status: 'active', primary_site_id: 'site-a', secondary_site_id: 'site-b', current_primary_site_id: 'site-a', resources: { sites: {}, array: handle } });
      for (let m = 0; m < (o.members ?? 1); m++) {
        await pgs.putMember({ id: randomUUID(), pg_id: id, server_id: randomUUID(), name: `pg-${i}-vm${m}`, boot_order: m, details: { flavor_id: 'f', flavor_name: 'm1.small', image_id: null, availability_zone: null, key_name: null, ports: [], volumes: [] } });
      }
      ids.push(id);
      states.push({
        pg_id: id, source_array: 'fa-a', target_array: 'fa-b', link: 'connected', source_reachable: true, target_reachable: true, lag_ms: o.lagMs ?? 60_000,
        newest_recovery_point: `fa-a:protector-${id}.${i}`, last_transfer_at: o.checkedAt - 1000, transfers: [], detail: "replication link between 'fa-a' and 'fa-b' is up", error: null,
        checked_at: o.checkedAt, checked_by: 'seed',
      });
    }
    await new ReplicationStates(tx).record(states);
  });
  return ids;
}

/** What protector-engine's refresher does every interval, once, for a test site (two-sites.ts's atA/atB). */
export async function refreshReplicationState(at: { pgs: ProtectionGroups; deps: { storage: StorageDriver } }): Promise<void> {
  await new ReplicationRefresher(at.pgs.db, at.deps.storage, { owner: 'test-engine', intervalMs: 30_000 }).refresh();
}
