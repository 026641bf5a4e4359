import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatReipRule, parseReipRule, type MappingKind, type ReipRule, type ResourceMapping } from '../../api/index.js';
import { coordinated, pgFor } from '../coordinate.js';
import type { CliContext } from '../context.js';
import { CliError } from '../exit-codes.js';
import { printList, withOutput, type OutputOptions } from '../render.js';

const KINDS = ['network', 'subnet', 'security_group', 'flavor', 'image', 'availability_zone', 'volume_type', 'keypair'];

const columns = [
  ['Kind', (m: ResourceMapping) => m.kind],
  ['Source site', (m: ResourceMapping) => m.source_site_id],
  ['Source', (m: ResourceMapping) => m.source_id],
  ['Target', (m: ResourceMapping) => m.target_id],
  // In the notation --reip takes, one rule a line, first match first.
  ['Re-IP rules', (m: ResourceMapping) => (m.reip_rules ?? []).map(formatReipRule)],
] as const;

interface SetOptions extends OutputOptions {
  replace?: boolean;
  reip?: string[];
  reipFile?: string;
  clearReip?: boolean;
}

/** The re-IP rules the options give: `--reip` (repeatable, in order) or a JSON file; undefined when neither. */
function givenRules(o: SetOptions): ReipRule[] | undefined {
  if (o.reip?.length && o.reipFile) throw new CliError('give re-IP rules with --reip or with --reip-file, not both', 2);
  if (o.reipFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(o.reipFile, 'utf8'));
    } catch (err) {
      throw new CliError(`--reip-file ${o.reipFile}: ${(err as Error).message}`, 2);
    }
    // The API checks every field and names the wrong one; here only the shape of the file.
    const list = Array.isArray(parsed) ? parsed : (parsed as { reip_rules?: unknown } | null)?.reip_rules;
    if (!Array.isArray(list)) throw new CliError(`--reip-file ${o.reipFile}: expected a JSON list of rules ({"source_cidr", "target_cidr", "gateway_ip", "dns_nameservers"}) or {"reip_rules": [...]}`, 2);
    return list as ReipRule[];
  }
  if (!o.reip?.length) return undefined;
  return o.reip.map((text) => {
    const r = parseReipRule(text);
    if (!r.ok) throw new CliError(`--reip ${r.reason}`, 2);
    return r.rule;
  });
}

/** mapping show|set: what a source site's network, flavor… is on the other site, and a network's re-IP rules. */
export function registerMappings(program: Command, ctx: () => CliContext): void {
  const mapping = program.command('mapping').description("resource mappings: what a source site's network, flavor… is on the other site");
  withOutput(mapping.command('show <pg>').description('show the mappings (a network mapping with its re-IP rules)'), true).action(async (ref: string, o: OutputOptions) => {
    const c = ctx();
    printList(o, columns, await c.primary().client.resourceMappings.get((await pgFor(c, ref)).id));
  });
  const set = withOutput(
    mapping
      .command('set <pg>')
      .description(
        'add or replace mappings from the current primary, e.g. --network SRC=DST (repeatable per kind); with one --network, --reip gives its re-IP rules in order (docs/re-ip.md), and without --reip or --clear-reip a network mapping keeps the rules it has',
      )
      .option('--replace', 'drop the mappings not given here'),
    true,
  );
  for (const kind of KINDS) set.option(`--${kind.replace('_', '-')} <source=target>`, `map a ${kind.replace('_', ' ')}`, (v: string, prev: string[] = []) => [...prev, v]);
  set
    .option('--reip <rule>', "a re-IP rule of the --network mapping: SOURCE_CIDR=TARGET_CIDR[,gateway=IP][,dns=IP;IP] (repeatable; the first rule whose source contains a port's address applies)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--reip-file <file>', 'the re-IP rules of the --network mapping as a JSON list of {source_cidr, target_cidr, gateway_ip, dns_nameservers}')
    .option('--clear-reip', 'drop the re-IP rules of the --network mapping')
    .action(async (ref: string, o: SetOptions, cmd: Command) => {
      const c = ctx();
      const owner = c.primary();
      const rules = givenRules(o);
      if (rules && o.clearReip) throw new CliError('--clear-reip drops the rules that --reip gives: use one of them', 2);
      const p = await pgFor(c, ref, { change: true });
      const given: ResourceMapping[] = [];
      for (const kind of KINDS) {
        const vals = (cmd.opts() as Record<string, string[] | undefined>)[kind.replace(/_(\w)/g, (_, x: string) => x.toUpperCase())] ?? [];
        for (const v of vals) {
          const [src, dst] = v.split('=');
          if (!src || !dst) throw new CliError(`--${kind.replace('_', '-')} ${v}: expected SOURCE=TARGET`, 2);
          given.push({ kind: kind as MappingKind, source_site_id: p.current_primary_site_id, source_id: src, target_id: dst });
        }
      }
      const networks = given.filter((g) => g.kind === 'network');
      if ((rules || o.clearReip) && networks.length !== 1) throw new CliError(`--reip, --reip-file and --clear-reip apply to the one --network mapping given with them (${networks.length} given)`, 2);
      const cur = await owner.client.resourceMappings.get(p.id);
      const same = (a: ResourceMapping, b: ResourceMapping) => a.kind === b.kind && a.source_site_id === b.source_site_id && a.source_id === b.source_id;
      for (const g of networks) {
        // A network mapping set again keeps its rules unless told otherwise.
        const kept = cur.find((m) => same(m, g))?.reip_rules;
        const next = o.clearReip ? undefined : (rules ?? kept);
        if (next?.length) g.reip_rules = next;
      }
      const merged = [...(o.replace ? [] : cur.filter((m) => !given.some((g) => same(g, m)))), ...given];
      const { result } = await coordinated(c, owner, () => p.id, (site) => site.client.resourceMappings.replace(p.id, merged));
      printList(o, columns, result);
    });
}
