import assert from 'node:assert/strict';
import type { Site as CloudSite } from '@protector/cloudsim';
import type { ProtectionGroup, ReplicationType, ResourceMapping } from '../../src/db/protection-groups.js';
import type { Engine, OperationRecord, Workflow } from '../../src/engine/index.js';
import { lifecycleWorkflows } from '../../src/engine/workflows/index.js';
import { TENANTS, type SiteProtector, type Tenant, type TwoSites } from './two-sites.js';

/** A protected server of the DR tests: booted on site-a, a member of the PG. */
export interface ProtectedServer {
  name: string;
  serverId: string;
  volumeId: string;
  bootOrder: number;
}

async function sim(site: CloudSite, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${site.url('sim')}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** What software inside the server writes to its boot disk. */
export async function guestWrite(site: CloudSite, serverId: string, offset: number, text: string): Promise<void> {
  await sim(site, `/sim/servers/${serverId}/write`, { offset, data: Buffer.from(text).toString('base64') });
}

/** What software inside the server reads from its boot disk. */
export async function guestRead(site: CloudSite, serverId: string, offset: number, length: number): Promise<string> {
  const r = await sim(site, `/sim/servers/${serverId}/read`, { offset, length });
  return Buffer.from(r.data as string, 'base64').toString();
}

export async function expectStatus(p: SiteProtector, op: OperationRecord, status: string): Promise<OperationRecord> {
  const done = (await p.ops.get(op.id)) as OperationRecord;
  if (done.status !== status) {
    const steps = await p.ops.steps(op.id);
    assert.fail(`operation ${op.type} is ${done.status}, expected ${status}: ${done.error ?? ''}\n${steps.map((s) => `${s.seq} ${s.name} ${s.status} ${s.error ?? ''}`).join('\n')}`);
  }
  return done;
}

/** Runs an operation on a site's Protector and expects it to end `status`. */
export async function runOp(p: SiteProtector, pg: ProtectionGroup, type: Parameters<SiteProtector['newOp']>[1], params: Record<string, unknown> = {}, status = 'completed'): Promise<OperationRecord> {
  const op = await p.newOp((await p.pgs.get(pg.id)) as ProtectionGroup, type, params);
  await p.run(op.id);
  return expectStatus(p, op, status);
}

/**
 * A PG of alice's on site-a with `servers` (name → boot order) booted from replicated volumes,
 * created, its members added, mapped to site-b's dr-net (same addressing) and default
 * security group, replicated once, and pushed to site-b's Protector: ready for DR.
 */
export async function protectedPg(t: TwoSites, o: { name: string; servers: Record<string, number>; replicationType?: ReplicationType; tenant?: Tenant }): Promise<{ pg: ProtectionGroup; servers: ProtectedServer[] }> {
  const rt = o.replicationType ?? 'async';
  const tenant = TENANTS[o.tenant ?? 'alice'];
  const { pg, op } = await t.acceptPg({ name: o.name, replicationType: rt, tenant: o.tenant });
  await t.atA.run(op.id);
  await expectStatus(t.atA, op, 'completed');
  const servers: ProtectedServer[] = [];
  for (const [name, bootOrder] of Object.entries(o.servers)) {
    const { serverId, volumeId } = await t.bootServer(name, rt === 'async' ? 'replicated-async' : 'replicated-sync', o.tenant);
    await runOp(t.atA, pg, 'member_add', { server_id: serverId, boot_order: bootOrder });
    servers.push({ name, serverId, volumeId, bootOrder });
  }
  const a = t.clientsOf('a', o.tenant);
  const b = t.clientsOf('b', o.tenant);
  const one = async <T>(p: Promise<T[]>, what: string): Promise<T> => {
    const [x] = await p;
    assert.ok(x, `${what} exists`);
    return x;
  };
  const netA = await one(a.neutron.listNetworks({ name: tenant.network }), `${tenant.network} on site-a`);
  const netB = await one(b.neutron.listNetworks({ name: tenant.recoveryNetwork }), `${tenant.recoveryNetwork} on site-b`);
  const subA = await one(a.neutron.listSubnets({ network_id: netA.id }), `subnet of ${tenant.network}`);
  const subB = await one(b.neutron.listSubnets({ network_id: netB.id }), `subnet of ${tenant.recoveryNetwork}`);
  const sgA = await one(a.neutron.listSecurityGroups({ name: 'default' }), 'default SG on site-a');
  const sgB = await one(b.neutron.listSecurityGroups({ name: 'default' }), 'default SG on site-b');
  const mappings: ResourceMapping[] = [
    { kind: 'network', source_site_id: t.siteA.id, source_id: netA.id, target_id: netB.id },
    { kind: 'subnet', source_site_id: t.siteA.id, source_id: subA.id, target_id: subB.id },
    { kind: 'security_group', source_site_id: t.siteA.id, source_id: sgA.id, target_id: sgB.id },
  ];
  await t.pgs.replaceMappings(pg.id, mappings);
  if (rt === 'async') await runOp(t.atA, pg, 'replicate');
  await t.push(pg.id, 'a');
  return { pg: (await t.pgs.get(pg.id)) as ProtectionGroup, servers };
}

/**
 * An engine on `p` whose `workflow` (replacing the standard one of its type) runs `after` once
 * the step `stepName` has done its work: the DR tests lose a link or a site at a chosen moment.
 */
export function engineWithHook(p: SiteProtector, workflow: Workflow, stepName: string, after: () => Promise<void> | void): Engine {
  const hooked: Workflow = {
    ...workflow,
    steps: (op) =>
      workflow.steps(op).map((s) =>
        s.name !== stepName
          ? s
          : {
              name: s.name,
              run: async (sc) => {
                const detail = await s.run(sc);
                await after();
                return detail;
              },
            },
      ),
  };
  return p.engine(undefined, { workflows: [hooked, ...lifecycleWorkflows(p.deps).filter((w) => w.type !== workflow.type)] });
}
