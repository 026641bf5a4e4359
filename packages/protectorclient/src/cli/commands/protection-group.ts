import type { Command } from 'commander';
import type { PolicyInput, ProtectionGroup, ProtectionGroupWithOperation } from '../../api/index.js';
import { describePending, pendingMetadata, requireReachable, PeerUnreachableError, syncPair, syncStatus } from '../../coordinator/index.js';
import { coordinated, follow, operationSummary, pgFor, settleList, storeAfterWait, type WaitOptions } from '../coordinate.js';
import type { CliContext } from '../context.js';
import { CliError } from '../exit-codes.js';
import { currentPrimaryOf, findMemberServerId, findPg, findServerId } from '../find.js';
import { wholeNumber } from '../parse.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';
import { registerMappings } from './mapping.js';

const pgColumns = [
  ['ID', (p: ProtectionGroup) => p.id],
  ['Name', (p: ProtectionGroup) => p.name],
  ['Replication', (p: ProtectionGroup) => p.replication_type],
  ['Status', (p: ProtectionGroup) => p.status],
  ['Current primary', (p: ProtectionGroup) => p.current_primary_site_id],
  ['Metadata version', (p: ProtectionGroup) => p.metadata_version],
  ['Sync state', (p: ProtectionGroup) => (p.sync_state === 'in_sync' ? 'IN SYNC' : 'OUT OF SYNC')],
] as const;

/** protection-group, member, policy, mapping and recovery-point: every change on both sites (DESIGN §5). */
export function registerProtectionGroups(program: Command, ctx: () => CliContext): void {
  const pg = program.command('protection-group').description('protection groups: VMs failed over together');
  withOutput(pg.command('list').description('list protection groups'), true).action(async (o: OutputOptions) => {
    const c = ctx();
    printList(o, pgColumns, await settleList(c, await c.primary().client.protectionGroups.list()));
  });
  withOutput(pg.command('show <pg>').description('show a protection group'), false).action(async (ref: string, o: OutputOptions) => {
    printShow(o, fieldsOf(await pgFor(ctx(), ref)));
  });
  withOutput(
    pg
      .command('create <name>')
      .description('create a protection group on both sites (Cinder groups, the array construct)')
      .option('--replication-type <type>', 'async (FlashArray protection group) or sync (ActiveCluster pod)', 'async')
      .option('--description <text>', 'description')
      .option('--wait', 'wait until it is active'),
    false,
  ).action(async (name: string, o: OutputOptions & WaitOptions & { replicationType: string; description?: string }) => {
    if (o.replicationType !== 'async' && o.replicationType !== 'sync') throw new CliError(`--replication-type ${o.replicationType}: choose async or sync`, 2);
    const c = ctx();
    const owner = c.primary();
    const { result, peer } = await coordinated(c, owner, (r: ProtectionGroupWithOperation) => r.protection_group.id, async (site) => {
      const peerToken = await (await c.reachablePeer()).client.session.token();
      return site.client.protectionGroups.create({ name, description: o.description, replication_type: o.replicationType as 'async' | 'sync' }, { peerToken });
    }, { pushAfterWait: o.wait === true });
    if (o.wait) {
      const done = await follow(c, owner, result.operation, { pgRef: name });
      await storeAfterWait(c, done, result.protection_group.id, name, owner, peer);
    }
    printShow(o, fieldsOf(await owner.client.protectionGroups.get(result.protection_group.id)));
  });
  pg.command('delete <pg>')
    .description('delete a protection group (its array construct and Cinder groups, never the volumes)')
    .option('--wait', 'wait until it is gone')
    .action(async (ref: string, o: WaitOptions) => {
      const c = ctx();
      const owner = c.primary();
      const target = await pgFor(c, ref, { change: true });
      await c.reachablePeer();
      const r = await owner.client.protectionGroups.delete(target.id);
      if (o.wait) await follow(c, owner, r.operation, { pgRef: ref });
    });
  withOutput(pg.command('sync-status <pg>').description("both sites' metadata versions (IN SYNC, OUT OF SYNC or UNREACHABLE) and the operation running on each; then what is still to be stored where, and how (changes nothing)"), true).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    const p = await findPg(c.primary(), ref);
    const [a, b] = c.both();
    const [rows, pending] = await Promise.all([syncStatus(p.id, c.both()), b ? pendingMetadata(p.id, a!, b) : null]);
    printList(o, [['Site', (r) => r.site], ['Metadata version', (r) => r.version], ['Sync state', (r) => r.syncState], ['Status', (r) => r.status], ['Active operation', (r) => r.activeOperationId]], rows);
    // What is still to be stored where, for people: under the table, or on stderr so machine formats stay parseable.
    const said = pending && describePending(pending, ref);
    if (said) (o.format === 'table' ? process.stdout : process.stderr).write(`${said}\n`);
  });
  pg.command('sync <pg>')
    .description('bring both sites to the same metadata version; after divergence --source-site picks the winner')
    .option('--source-site <cloud>', 'the cloud (site) whose copy wins')
    .action(async (ref: string, o: { sourceSite?: string }) => {
      const c = ctx();
      const a = c.primary();
      const b = await c.reachablePeer();
      const p = await findPg(a, ref).catch(() => findPg(b, ref));
      const source = o.sourceSite === undefined ? undefined : [a, b].find((s) => s.name === o.sourceSite);
      if (o.sourceSite !== undefined && !source) throw new CliError(`--source-site ${o.sourceSite}: choose ${a.name} or ${b.name}`, 2);
      const r = await syncPair(p.id, a, b, source);
      process.stdout.write(`protection group ${p.name}: ${r.from} → ${r.to}, both at metadata version ${r.version}\n`);
    });

  const member = program.command('member').description('servers in a protection group');
  withOutput(member.command('list <pg>').description('list members'), true).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    const p = await pgFor(c, ref);
    const site = c.primary();
    printList(o, [['Server ID', (m) => m.server_id], ['Name', (m) => m.name], ['Boot order', (m) => m.boot_order], ['Flavor', (m) => m.details.flavor_name], ['Volumes', (m) => m.details.volumes.length], ['Ports', (m) => m.details.ports.length]], await site.client.members.list(p.id));
  });
  const memberChange = (verb: 'add' | 'remove') => {
    const cmd = member
      .command(`${verb} <pg> <server>`)
      .description(verb === 'add' ? 'protect a server (by id or name, in the project on the current primary site): its volumes join the Cinder group and the array construct' : 'stop protecting a server (by server id or member name; its volumes are kept)');
    if (verb === 'add') cmd.option('--boot-order <n>', 'boot tier on failover (lower boots first)', wholeNumber('--boot-order', 0), 0);
    withOutput(cmd.option('--wait', 'wait for the operation'), false).action(async (ref: string, server: string, o: OutputOptions & WaitOptions & { bootOrder?: number }) => {
      const c = ctx();
      const owner = c.primary();
      const p = await pgFor(c, ref, { change: true });
      const { result: op, peer } = await coordinated(
        c,
        owner,
        () => p.id,
        async (site) => {
          if (verb === 'remove') return site.client.members.remove(p.id, await findMemberServerId(site, p.id, server));
          // A name is resolved only once the peer answered, so a stopped peer still refuses with exit 5.
          const serverId = await findServerId(await currentPrimaryOf(p, site, await c.reachablePeer()), server);
          return site.client.members.add(p.id, { server_id: serverId, boot_order: o.bootOrder ?? 0 });
        },
        { pushAfterWait: o.wait === true },
      );
      if (!o.wait) return printShow(o, fieldsOf(op, ['params', 'result']));
      const done = await follow(c, owner, op, { pgRef: ref });
      printShow(o, operationSummary(owner, done));
      await storeAfterWait(c, done, p.id, ref, owner, peer);
    });
  };
  memberChange('add');
  memberChange('remove');

  const policy = program.command('policy').description('replication policy of a protection group');
  withOutput(policy.command('show <pg>').description('show the policy'), false).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    printShow(o, fieldsOf(await c.primary().client.policy.get((await pgFor(c, ref)).id)));
  });
  withOutput(
    policy
      .command('create <pg>')
      .description('set the replication interval, RPO target and retention')
      .option('--interval <minutes>', 'minutes between replicated snapshots', wholeNumber('--interval', 1))
      .option('--rpo <minutes>', 'RPO target in minutes', wholeNumber('--rpo', 1))
      .option('--retention-hours <hours>', 'keep every recovery point this many hours', wholeNumber('--retention-hours', 0))
      .option('--retention-days <days>', 'then this many a day for this many days', wholeNumber('--retention-days', 0))
      .option('--per-day <n>', 'recovery points kept a day after that', wholeNumber('--per-day', 0)),
    false,
  ).action(async (ref: string, o: OutputOptions & { interval?: number; rpo?: number; retentionHours?: number; retentionDays?: number; perDay?: number }) => {
    const c = ctx();
    const owner = c.primary();
    const p = await pgFor(c, ref, { change: true });
    const cur = await owner.client.policy.get(p.id);
    const ret = (r: PolicyInput['retention']['source']) => ({
      all_for_sec: o.retentionHours !== undefined ? o.retentionHours * 3600 : r.all_for_sec,
      per_day: o.perDay ?? r.per_day,
      days: o.retentionDays ?? r.days,
    });
    const want: PolicyInput = { interval_minutes: o.interval ?? cur.interval_minutes, rpo_minutes: o.rpo ?? cur.rpo_minutes, retention: { source: ret(cur.retention.source), target: ret(cur.retention.target) } };
    const { result } = await coordinated(c, owner, () => p.id, (site) => site.client.policy.set(p.id, want));
    printShow(o, fieldsOf(result));
  });

  registerMappings(program, ctx);

  const rp = program.command('recovery-point').description('recovery points of a protection group');
  withOutput(rp.command('create <pg>').description('replicate now: a snapshot of every member, transferred to the other site').option('--wait', 'wait until it is a recovery point'), false).action(
    async (ref: string, o: OutputOptions & WaitOptions) => {
      const c = ctx();
      const site = c.primary();
      const p = await pgFor(c, ref);
      const peer = c.secondary();
      // The peer's protector-api down says nothing sure of its array: a warning, not a refusal.
      const down = o.wait && peer ? await requireReachable(peer).then(() => null, (err: unknown) => (err instanceof PeerUnreachableError ? err.reason : String(err))) : null;
      if (down) process.stderr.write(`${peer!.name} does not answer (${down}): if its array is down too, the transfer cannot complete and the engine fails the operation once the link has been down for its [engine] dead_link_grace (30 s by default)\n`);
      const op = await site.client.actions.sync(p.id);
      if (!o.wait) return printShow(o, fieldsOf(op, ['params', 'result']));
      printShow(o, operationSummary(site, await follow(c, site, op, { pgRef: ref, retry: `run 'protector recovery-point create ${ref} --wait' again ${down ? `once ${peer!.name} and its array answer` : 'once the cause above is fixed'}` })));
    },
  );
  withOutput(rp.command('list <pg>').description('fully transferred recovery points, newest first'), true).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    printList(o, [['ID', (r) => r.id], ['Kind', (r) => r.kind], ['Array', (r) => r.array], ['Created', (r) => r.created_at], ['Completed', (r) => r.completed_at], ['Volumes', (r) => r.volumes.length]], await c.primary().client.recoveryPoints.list((await pgFor(c, ref)).id));
  });
}
