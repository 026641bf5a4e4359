import { serverAddressesOf, type AddressReport } from '../api/index.js';

const how = (a: AddressReport): string => {
  switch (a.via) {
    case 'kept':
      return `${a.from} (kept)`;
    case 're_ip':
      return `${a.from} -> ${a.to ?? '?'} (re-IP ${a.rule ? `${a.rule.source_cidr} -> ${a.rule.target_cidr}` : 'rule'})`;
    case 'allocated':
      return `${a.from} -> ${a.to ?? '?'} (new, chosen by Neutron)`;
  }
};

/** A line per address a DR run gave a recreated port (`server: old -> new (why)`), for `operation show` and `--wait` summaries. */
export function addressLines(result: Record<string, unknown>): string[] {
  return serverAddressesOf(result).flatMap((s) => s.addresses.map((a) => `${s.server}: ${how(a)}`));
}
