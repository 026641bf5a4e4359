import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { checkDatabaseVersion, databaseVersion, LATEST_VERSION, openDatabase, syncDatabase } from '../../src/db/index.js';
import * as replicateType from '../../src/db/migrations/0003-replicate-operation-type.js';

const ALL = ['0001-initial', '0002-site-pairing', '0003-replicate-operation-type', '0004-list-indexes', '0005-replication-state', '0006-engine-services', '0007-operation-parents', '0008-recovery-plans', '0009-reip-rules', '0010-plan-commit-window'];

/** db sync / db version on an empty database at `url`, and the portable column types; SQLite and MariaDB run the same. */
export async function exerciseMigrations(url: string): Promise<void> {
  const db = openDatabase(url);
  try {
    await assert.rejects(checkDatabaseVersion(db), /run protector-manage db sync/);
    assert.equal(LATEST_VERSION, ALL.at(-1));
    assert.deepEqual(await databaseVersion(db), { current: null, latest: LATEST_VERSION, pending: ALL, unknown: [] });
    assert.deepEqual(await syncDatabase(db), ALL);
    assert.deepEqual(await syncDatabase(db), [], 'a second sync has nothing to do');
    await checkDatabaseVersion(db);
    const now = Date.now();
    await db.insertInto('sites').values({ id: 's1', name: 'site-a', description: '', is_local: 1, auth_url: 'http://k/v3', region_name: 'RegionOne', credentials: '{}', array_config: '{}', pairing: null, created_at: now, updated_at: now }).execute();
    await assert.rejects(
      db.insertInto('sites').values({ id: 's2', name: 'site-a', description: '', is_local: 0, auth_url: 'x', region_name: 'r', credentials: '{}', array_config: '{}', pairing: null, created_at: now, updated_at: now }).execute(),
      'site names are unique',
    );
    const row = await db.selectFrom('sites').selectAll().where('id', '=', 's1').executeTakeFirstOrThrow();
    assert.equal(row.created_at, now, 'times round-trip as numbers');
    await db.insertInto('bus_messages').values({ topic: 'operations', payload: '{}', created_at: now, claimed_by: null, claimed_at: null }).execute();
    const msg = await db.selectFrom('bus_messages').select('id').executeTakeFirstOrThrow();
    assert.equal(typeof msg.id, 'number');
    // 0003 renames recorded replicate-now operations (type `sync` before it), and only those.
    const op = (id: string, type: string) => ({ id, project_id: 'p', pg_id: null, type, status: 'completed', progress: 100, params: '{}', result: '{}', error: null, request_id: 'r', user_id: 'u', lease_owner: null, lease_expires_at: null, created_at: now, started_at: now, finished_at: now, updated_at: now });
    await db.insertInto('operations').values([op('o1', 'sync'), op('o2', 'failover')]).execute();
    await replicateType.up(db as never);
    assert.deepEqual((await db.selectFrom('operations').select(['id', 'type']).orderBy('id').execute()).map((r) => [r.id, r.type]), [['o1', 'replicate'], ['o2', 'failover']]);
    // 0005: the engines' refresh lease exists from the start, unheld.
    assert.deepEqual(await db.selectFrom('refresh_leases').select(['name', 'owner', 'expires_at']).execute(), [{ name: 'replication_state', owner: null, expires_at: 0 }]);
    // 0006: a service row per host, binary and pid; its id is a number.
    const svc = { host: 'node-1', binary: 'protector-engine', pid: 42, version: '0.1.0', started_at: now, last_seen: now, stopped_at: null };
    await db.insertInto('services').values(svc).execute();
    await assert.rejects(db.insertInto('services').values(svc).execute(), 'one row per host, binary and pid');
    await db.insertInto('services').values({ ...svc, pid: 43 }).execute();
    const services = await db.selectFrom('services').select(['id', 'last_seen', 'stopped_at']).orderBy('id').execute();
    assert.deepEqual(services.map((r) => [typeof r.id, r.last_seen, r.stopped_at]), [['number', now, null], ['number', now, null]]);
    assert.ok((await db.introspection.getTables()).some((t) => t.name === 'services'));
    // 0007: an operation names no parent unless it is a bulk action's child.
    await db.insertInto('operations').values({ ...op('o3', 'bulk'), parent_id: null }).execute();
    await db.insertInto('operations').values({ ...op('o4', 'failover'), parent_id: 'o3' }).execute();
    assert.deepEqual((await db.selectFrom('operations').select(['id', 'parent_id']).orderBy('id').execute()).map((r) => [r.id, r.parent_id]), [['o1', null], ['o2', null], ['o3', null], ['o4', 'o3']]);
    // 0008: recovery plans, one name per project; an operation is claimable (hold null) unless its plan run holds it.
    const plan = { id: 'rp1', project_id: 'p', name: 'plan', description: '', version: 1, tiers: '[]', hooks: '[]', active_run_id: null, created_at: now, updated_at: now };
    await db.insertInto('recovery_plans').values(plan).execute();
    await assert.rejects(db.insertInto('recovery_plans').values({ ...plan, id: 'rp2' }).execute(), 'one plan of a name per project');
    await db.insertInto('operations').values({ ...op('o5', 'failover'), parent_id: 'o3', hold: 'tier-2' }).execute();
    assert.deepEqual((await db.selectFrom('operations').select(['id', 'hold']).where('id', 'in', ['o4', 'o5']).orderBy('id').execute()).map((r) => [r.id, r.hold]), [['o4', null], ['o5', 'tier-2']]);
    // 0009: a mapping's re-IP rules as JSON text, null for the mappings without.
    const rules = JSON.stringify([{ source_cidr: '10.1.0.0/24', target_cidr: '10.2.0.0/24' }]);
    await db.insertInto('resource_mappings').values([{ pg_id: null, kind: 'network', source_site_id: 's1', source_id: 'n1', target_id: 'n2', reip_rules: rules }, { pg_id: null, kind: 'flavor', source_site_id: 's1', source_id: 'f1', target_id: 'f2', reip_rules: null }]).execute();
    assert.deepEqual((await db.selectFrom('resource_mappings').select(['kind', 'reip_rules']).orderBy('kind').execute()).map((r) => [r.kind, r.reip_rules]), [['flavor', null], ['network', rules]]);
    // 0010: a plan's commit policy as JSON text, null for the plans without.
    await db.updateTable('recovery_plans').set({ commit_window: JSON.stringify({ seconds: 600 }) }).where('id', '=', 'rp1').execute();
    assert.deepEqual(await db.selectFrom('recovery_plans').select('commit_window').execute(), [{ commit_window: '{"seconds":600}' }]);
    // Code older than the database refuses it.
    await sql`INSERT INTO protector_migrations (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(db);
    await assert.rejects(checkDatabaseVersion(db), /newer than/);
  } finally {
    await db.destroy();
  }
}
