import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from './common.js';
import { ReipRule } from './resource-mappings.js';

/**
 * The addresses a DR run gave the ports it recreated (failover, failback, drill), as its
 * `create_ports` step reports them in the operation's `result.create_ports.vm_addresses`: per
 * server, every address of every port, old and new, and the re-IP rule that gave a new one.
 */
export const AddressReport = Type.Object({
  source_port_id: Type.String(),
  port_id: Type.String(),
  from: Type.String({ description: 'The address the member had' }),
  to: Nullable(Type.String({ description: 'The address the new port has' })),
  subnet_id: Nullable(Type.String()),
  via: StringEnum(['kept', 're_ip', 'allocated'] as const, { description: 'kept: the same address; re_ip: a re-IP rule gave it; allocated: Neutron picked it (the network mapping has no rules)' }),
  rule: Type.Optional(Type.Object({ index: Type.Integer({ minimum: 0, description: "The rule's place in the mapping's list (as it applied in this direction)" }), ...ReipRule.properties })),
});
export type AddressReport = Static<typeof AddressReport>;

export const ServerAddresses = Type.Object({ server_id: Type.String({ description: 'The member server (on the run source)' }), server: Type.String(), addresses: Type.Array(AddressReport) });
export type ServerAddresses = Static<typeof ServerAddresses>;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The per-server addresses an operation's result reports (none for operations that recreate no ports). */
export function serverAddressesOf(result: Record<string, unknown>): ServerAddresses[] {
  const step = result.create_ports;
  const list = isRecord(step) ? step.vm_addresses : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((s): s is ServerAddresses => isRecord(s) && typeof s.server === 'string' && typeof s.server_id === 'string' && Array.isArray(s.addresses) && s.addresses.every((a) => isRecord(a) && typeof a.from === 'string'));
}
