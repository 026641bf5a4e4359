import { isoSeconds } from '../timestamps.js';
import type { SiteContext } from '../context.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { uuid } from '../ids.js';
import { Collection } from '../store/collection.js';
import { normalizePrefix } from './ip-allocation.js';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from './records.js';

export interface SecurityGroupSpec {
  name?: string;
  description?: string;
  stateful?: boolean;
}

export interface RuleSpec {
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype?: 'IPv4' | 'IPv6';
  protocol?: string | number | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
  description?: string;
}

// Neutron accepts these names besides numbers 0-255 (and stores names as given).
const PROTOCOLS = new Set(['ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp', 'any']);
const PORTED = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', '6', '17', '132', '33', '136']);

/** Security groups and their rules, including Neutron's per-project 'default' group. */
export class SecurityGroups {
  readonly groups: Collection<SecurityGroupRecord>;
  readonly rules: Collection<SecurityGroupRuleRecord>;

  constructor(private readonly ctx: SiteContext) {
    this.groups = new Collection(ctx.db, 'neutron_security_groups', 'project_id');
    this.rules = new Collection(ctx.db, 'neutron_security_group_rules', 'security_group_id');
  }

  private now(): string {
    return isoSeconds(this.ctx.clock.now());
  }

  get(id: string): SecurityGroupRecord | undefined {
    return this.groups.get(id);
  }

  ofProject(projectId: string): SecurityGroupRecord[] {
    return this.groups.list(undefined, projectId);
  }

  rulesOf(groupId: string): SecurityGroupRuleRecord[] {
    return this.rules.list(undefined, groupId);
  }

  /** Neutron creates a project's 'default' group the first time the project needs one. */
  ensureDefault(projectId: string): SecurityGroupRecord {
    const existing = this.groups.find((g) => g.project_id === projectId && g.name === 'default');
    if (existing) return existing;
    const group = this.insertGroup(projectId, { name: 'default', description: 'Default security group' });
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      this.insertRule(projectId, { security_group_id: group.id, direction: 'egress', ethertype });
      this.insertRule(projectId, { security_group_id: group.id, direction: 'ingress', ethertype, remote_group_id: group.id });
    }
    return group;
  }

  /** A project's group by id, or by name when the name is unique among its groups. */
  find(projectId: string, nameOrId: string): SecurityGroupRecord | undefined {
    const byId = this.groups.get(nameOrId);
    if (byId && byId.project_id === projectId) return byId;
    if (nameOrId === 'default') return this.ensureDefault(projectId);
    const named = this.ofProject(projectId).filter((g) => g.name === nameOrId);
    return named.length === 1 ? named[0] : undefined;
  }

  create(projectId: string, spec: SecurityGroupSpec): SecurityGroupRecord {
    if (spec.name === 'default') this.ensureDefault(projectId);
    if (spec.name === 'default') throw conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
    const group = this.insertGroup(projectId, spec);
    // A new group lets everything out, like Neutron's.
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      this.insertRule(projectId, { security_group_id: group.id, direction: 'egress', ethertype });
    }
    return group;
  }

  private insertGroup(projectId: string, spec: SecurityGroupSpec): SecurityGroupRecord {
    const now = this.now();
    return this.groups.insert({
      id: uuid(),
      name: spec.name ?? '',
      description: spec.description ?? '',
      project_id: projectId,
      tenant_id: projectId,
      stateful: spec.stateful ?? true,
      shared: false,
      tags: [],
      created_at: now,
      updated_at: now,
      revision_number: 1,
    });
  }

  update(id: string, patch: SecurityGroupSpec): SecurityGroupRecord {
    const group = this.mustGet(id);
    if (group.name === 'default' && patch.name !== undefined && patch.name !== 'default') {
      throw conflict('Insufficient rights for updating default security group.', 'SecurityGroupCannotUpdateDefault');
    }
    const updated = this.groups.update(id, (g) => {
      if (patch.name !== undefined) g.name = patch.name;
      if (patch.description !== undefined) g.description = patch.description;
      if (patch.stateful !== undefined) g.stateful = patch.stateful;
      g.updated_at = this.now();
      g.revision_number += 1;
    });
    return updated ?? group;
  }

  /** Deletes a group; `inUse` says whether a port still refers to it. */
  delete(id: string, inUse: boolean): void {
    const group = this.mustGet(id);
    if (group.name === 'default') throw conflict('Insufficient rights for removing default security group.', 'SecurityGroupCannotRemoveDefault');
    if (inUse) throw conflict(`Security Group ${id} in use.`, 'SecurityGroupInUse');
    for (const r of this.rulesOf(id)) this.rules.delete(r.id);
    // Rules of other groups that name this one as remote go too, as in Neutron.
    for (const r of this.rules.list((r) => r.remote_group_id === id)) this.rules.delete(r.id);
    this.groups.delete(id);
  }

  mustGet(id: string): SecurityGroupRecord {
    const group = this.groups.get(id);
    if (!group) throw notFound(`Security group ${id} does not exist`, 'SecurityGroupNotFound');
    return group;
  }

  createRule(projectId: string, spec: RuleSpec): SecurityGroupRuleRecord {
    const group = this.mustGet(spec.security_group_id);
    const rule = this.buildRule(projectId, spec);
    if (spec.remote_group_id && !this.groups.get(spec.remote_group_id)) {
      throw notFound(`Security group ${spec.remote_group_id} does not exist`, 'SecurityGroupNotFound');
    }
    const same = this.rulesOf(group.id).find(
      (r) =>
        r.direction === rule.direction &&
        r.ethertype === rule.ethertype &&
        r.protocol === rule.protocol &&
        r.port_range_min === rule.port_range_min &&
        r.port_range_max === rule.port_range_max &&
        r.remote_ip_prefix === rule.remote_ip_prefix &&
        r.remote_group_id === rule.remote_group_id,
    );
    if (same) throw conflict(`Security group rule already exists. Rule id is ${same.id}.`, 'SecurityGroupRuleExists');
    this.touch(group.id);
    return this.rules.insert(rule);
  }

  private insertRule(projectId: string, spec: RuleSpec): SecurityGroupRuleRecord {
    return this.rules.insert(this.buildRule(projectId, spec));
  }

  /** Validates and normalizes a rule the way Neutron's API layer does. */
  private buildRule(projectId: string, spec: RuleSpec): SecurityGroupRuleRecord {
    const ethertype = spec.ethertype ?? 'IPv4';
    let protocol: string | null = spec.protocol === undefined || spec.protocol === null ? null : String(spec.protocol).toLowerCase();
    if (protocol === 'any') protocol = null;
    if (protocol !== null && !PROTOCOLS.has(protocol) && !(/^\d{1,3}$/.test(protocol) && Number(protocol) <= 255)) {
      throw badRequest(`Security group rule protocol ${protocol} not supported. Only protocol values [None, ${[...PROTOCOLS].join(', ')}] and integer representations [0 to 255] are supported.`, 'SecurityGroupRuleInvalidProtocol');
    }
    const min = spec.port_range_min ?? null;
    const max = spec.port_range_max ?? null;
    if ((min !== null || max !== null) && protocol === null) {
      throw badRequest('Must also specify protocol if port range is given.', 'SecurityGroupProtocolRequiredWithPorts');
    }
    if (protocol !== null && PORTED.has(protocol)) {
      if ((min !== null && (min < 1 || min > 65535)) || (max !== null && (max < 1 || max > 65535)) || (min !== null && max !== null && min > max)) {
        throw conflict('For TCP/UDP protocols, port_range_min must be <= port_range_max', 'SecurityGroupInvalidPortRange');
      }
    } else if (protocol === 'icmp' || protocol === '1') {
      if ((min !== null && (min < 0 || min > 255)) || (max !== null && (max < 0 || max > 255))) {
        throw badRequest(`Invalid value for ICMP field (port_range_min): ${min ?? max}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
      }
    }
    if (spec.remote_ip_prefix && spec.remote_group_id) {
      throw badRequest('Only remote_ip_prefix or remote_group_id may be provided.', 'SecurityGroupRemoteGroupAndRemoteIpPrefix');
    }
    let prefix: string | null = null;
    if (spec.remote_ip_prefix) {
      if (ethertype === 'IPv6') prefix = spec.remote_ip_prefix;
      else {
        const norm = normalizePrefix(spec.remote_ip_prefix);
        if (!norm) throw badRequest(`Invalid input for remote_ip_prefix. Reason: '${spec.remote_ip_prefix}' is not a valid IP subnet.`, 'InvalidInput');
        prefix = norm;
      }
    }
    const now = this.now();
    return {
      id: uuid(),
      project_id: projectId,
      tenant_id: projectId,
      security_group_id: spec.security_group_id,
      direction: spec.direction,
      ethertype,
      protocol,
      port_range_min: min,
      port_range_max: max,
      remote_ip_prefix: prefix,
      remote_group_id: spec.remote_group_id ?? null,
      remote_address_group_id: null,
      normalized_cidr: prefix,
      description: spec.description ?? '',
      tags: [],
      created_at: now,
      updated_at: now,
      revision_number: 0,
    };
  }

  deleteRule(id: string): void {
    const rule = this.rules.get(id);
    if (!rule) throw notFound(`Security group rule ${id} does not exist`, 'SecurityGroupRuleNotFound');
    this.rules.delete(id);
    this.touch(rule.security_group_id);
  }

  private touch(groupId: string): void {
    this.groups.update(groupId, (g) => {
      g.updated_at = this.now();
      g.revision_number += 1;
    });
  }
}
