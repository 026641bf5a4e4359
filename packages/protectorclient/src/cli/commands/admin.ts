import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { fieldsOf, printList, printShow, withOutput, type OutputOptions } from '../render.js';
import { pairSites } from '../../coordinator/index.js';
import { CliError } from '../exit-codes.js';
import { findSite } from '../find.js';
import { verifyRemoteProject } from '../remote-project.js';
import { follow } from '../coordinate.js';
import { planProgress } from '../plan-progress.js';

/** `site …` and `tenant-mapping …`: per-site administration (admin role), on the --os-cloud site. */
export function registerAdmin(program: Command, ctx: () => CliContext): void {
  const site = program.command('site').description('sites registered with this site\'s Protector (admin)');
  withOutput(site.command('list').description('list the registered sites'), true).action(async (o: OutputOptions) => {
    const sites = await ctx().primary().client.sites.list();
    printList(o, [['ID', (s) => s.id], ['Name', (s) => s.name], ['Local', (s) => s.is_local], ['Auth URL', (s) => s.auth_url], ['Array', (s) => s.array.name], ['Paired', (s) => (s.is_local ? '-' : s.paired)]], sites);
  });
  withOutput(site.command('show <site>').description('show a site (by id or name)'), false).action(async (ref: string, o: OutputOptions) => {
    printShow(o, fieldsOf(await findSite(ctx().primary(), ref)));
  });
  withOutput(
    site
      .command('create <name>')
      .description('register a site (this one with --local) and the service credentials Protector uses there')
      .requiredOption('--auth-url <url>', "the site's Keystone v3 URL")
      .option('--region <region>', 'region name', 'RegionOne')
      .requiredOption('--username <name>', 'the Protector service user on that site')
      .requiredOption('--password <password>', "the service user's password")
      .option('--project <name>', "the service user's project", 'service')
      .requiredOption('--array-name <name>', "the site's FlashArray")
      .option('--array-url <url>', 'the FlashArray REST endpoint')
      .option('--array-api-token <token>', 'the FlashArray API token (stored encrypted)')
      .option('--local', 'this is the site this Protector runs on')
      .option('--description <text>', 'description'),
    false,
  ).action(async (name: string, o: OutputOptions & { authUrl: string; region: string; username: string; password: string; project: string; arrayName: string; arrayUrl?: string; arrayApiToken?: string; local?: boolean; description?: string }) => {
    await ctx().reachablePeer();
    const s = await ctx().primary().client.sites.create({
      name,
      description: o.description,
      is_local: o.local === true,
      auth_url: o.authUrl,
      region_name: o.region,
      credentials: { username: o.username, password: o.password, project_name: o.project },
      array: { name: o.arrayName, url: o.arrayUrl ?? null, api_token: o.arrayApiToken ?? null },
    });
    printShow(o, fieldsOf(s));
  });
  withOutput(
    site.command('pair').description("give this site and the peer (--secondary-cloud) a new shared pairing secret, so each accepts the other's signed metadata; run again to rotate it"),
    true,
  ).action(async (o: OutputOptions) => {
    const peer = ctx().secondary();
    if (!peer) throw new CliError('pairing needs both sites: name the peer with --secondary-cloud or OS_SECONDARY_CLOUD (an admin cloud there)');
    const rows = await pairSites(ctx().primary(), peer);
    printList(o, [['Site', (r) => r.site], ['Peer', (r) => r.peer], ['Paired', (r) => r.pairing.paired], ['Rotated', (r) => r.pairing.rotated], ['Paired at', (r) => r.pairing.paired_at]], rows);
  });
  site.command('delete <site>').description('remove a site registration (by id or name)').action(async (ref: string) => {
    const here = ctx().primary();
    const target = await findSite(here, ref);
    await ctx().reachablePeer();
    await here.client.sites.delete(target.id);
  });
  withOutput(site.command('validate <site>').description("check the site's Keystone, Nova, Cinder, Neutron, Glance and array, each on its own"), true).action(async (ref: string, o: OutputOptions) => {
    const here = ctx().primary();
    const v = await here.client.sites.validate((await findSite(here, ref)).id);
    printList(o, [['Service', (c) => c.service], ['Status', (c) => c.status], ['Detail', (c) => c.detail]], v.checks);
    if (!v.ok) process.exitCode = 1;
  });
  withOutput(
    site
      .command('failover <lost-site>')
      .description('the lost site: fail over every protection group whose workload ran there, across projects, from this surviving site (--os-cloud), as one generated plan run (admin or dr_site_admin)')
      .option('--boot-timeout <seconds>', 'how long each server may take to become ACTIVE', Number)
      .option('--dry-run', 'pre-check every protection group and print the findings; change nothing')
      .option('--wait', 'follow the run to its end: a line per tier and per protection group change'),
    true,
  ).action(async (lost: string, o: OutputOptions & { bootTimeout?: number; dryRun?: boolean; wait?: boolean }) => {
    const c = ctx();
    const here = c.primary();
    const r = await here.client.sites.failover({ lost_site: lost, ...(o.bootTimeout === undefined ? {} : { boot_timeout_seconds: o.bootTimeout }), ...(o.dryRun ? { dry_run: true } : {}) });
    if ('precheck' in r) {
      const rows = r.precheck.protection_groups.flatMap((g) => [...g.blockers, ...g.warnings].map((f) => ({ pg: g.name, ...f })));
      if (o.format === 'table' && rows.length === 0) {
        process.stdout.write(`site failover of ${lost}: all ${r.precheck.protection_groups.length} protection group(s) passed every pre-check\n`);
        return;
      }
      printList(o, [['Protection group', (f) => f.pg], ['Severity', (f) => f.severity], ['Code', (f) => f.code], ['Message', (f) => f.message]], rows);
      if (!r.precheck.ok) process.exitCode = 1;
      return;
    }
    const tiers = (r.operation.params.tiers as { name: string; protection_groups: string[] }[]) ?? [];
    process.stderr.write(`site failover of ${lost}: operation ${r.operation.id}, ${r.children.length} protection group(s) in ${tiers.length} tier(s) (${tiers.map((t) => `${t.name}: ${t.protection_groups.length}`).join(', ')})\n`);
    // The run's detail lists its children in every project (a project's list shows only its own).
    // Followed as any plan run: a line per tier and per protection group as it changes.
    const done = o.wait ? await follow(c, here, r.operation, { printer: planProgress(r.operation, here.name) }) : undefined;
    const kids = done ? done.children : r.children;
    printList(o, [['Protection group', (x) => x.protection_group_id], ['Project', (x) => x.project_id], ['Operation', (x) => x.id], ['Status', (x) => x.status], ['Error', (x) => x.error]], kids);
    if (done && done.status !== 'completed') process.exitCode = 1;
  });
  withOutput(site.command('list-volume-types <site>').description('the replicated volume types of a site'), true).action(async (ref: string, o: OutputOptions) => {
    const here = ctx().primary();
    printList(o, [['ID', (t) => t.id], ['Name', (t) => t.name], ['Replication', (t) => t.replication_type]], await here.client.sites.volumeTypes((await findSite(here, ref)).id));
  });

  const tm = program.command('tenant-mapping').description('which project on the peer site a project fails over to (admin)');
  withOutput(tm.command('list').description('list the tenant mappings'), true).action(async (o: OutputOptions) => {
    printList(o, [['ID', (m) => m.id], ['Local project', (m) => m.local_project_id], ['Remote site', (m) => m.remote_site_id], ['Remote project', (m) => m.remote_project_id]], await ctx().primary().client.tenantMappings.list());
  });
  withOutput(
    tm
      .command('create')
      .description('map a local project to its project on the peer site')
      .requiredOption('--local-project <id>', 'project on this site')
      .requiredOption('--remote-site <site>', 'the peer site (its id or name here)')
      .requiredOption('--remote-project <id>', 'project on the peer site (checked in the peer\'s Keystone)')
      .option('--description <text>', 'description'),
    false,
  ).action(async (o: OutputOptions & { localProject: string; remoteSite: string; remoteProject: string; description?: string }) => {
    const here = ctx().primary();
    const remote = await findSite(here, o.remoteSite);
    await verifyRemoteProject(await ctx().reachablePeer(), remote, o.remoteProject);
    printShow(o, fieldsOf(await here.client.tenantMappings.create({ local_project_id: o.localProject, remote_site_id: remote.id, remote_project_id: o.remoteProject, description: o.description })));
  });
  tm.command('delete <mapping>').description('delete a tenant mapping').action(async (id: string) => {
    await ctx().reachablePeer();
    await ctx().primary().client.tenantMappings.delete(id);
  });
}
