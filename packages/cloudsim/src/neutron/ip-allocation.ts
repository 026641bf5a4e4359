import { badRequest, conflict } from '../http/errors.js';
import type { AllocationPool } from './records.js';

/** IPv4 arithmetic for subnets and fixed IPs; addresses are handled as unsigned 32-bit numbers. */

export interface Cidr {
  /** Network address. */
  base: number;
  prefix: number;
  /** Broadcast (last) address. */
  last: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

const storedAddresses = new Map<string, number>();

/** parseIpv4 of an address already stored (so valid); remembered, as allocating reads every port's addresses. */
export function storedIpv4(text: string): number {
  let n = storedAddresses.get(text);
  if (n === undefined) {
    n = parseIpv4(text) ?? -1;
    // Bounded: a simulated cloud has far fewer addresses in use.
    if (storedAddresses.size >= 100_000) storedAddresses.clear();
    storedAddresses.set(text, n);
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (Math.floor(n / 2 ** s) % 256).toString()).join('.');
}

/** Parses a.b.c.d/len; host bits must be zero, as Neutron requires of a subnet cidr. */
export function parseCidr(text: string, field = 'cidr'): Cidr {
  const [addr, len, ...rest] = text.split('/');
  const prefix = len !== undefined && /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  const base = addr === undefined ? undefined : parseIpv4(addr);
  if (rest.length > 0 || base === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw badRequest(`Invalid input for ${field}. Reason: '${text}' is not a valid IP subnet.`, 'InvalidInput');
  }
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    throw badRequest(`Invalid input for ${field}. Reason: '${text}' isn't a recognized IP subnet cidr, '${formatIpv4(base - (base % size))}/${prefix}' is recommended.`, 'InvalidInput');
  }
  return { base, prefix, last: base + size - 1 };
}

/** Parses a prefix loosely (host bits allowed), as security group remote_ip_prefix is normalized. */
export function normalizePrefix(text: string): string | undefined {
  const [addr, len] = text.split('/');
  const ip = addr === undefined ? undefined : parseIpv4(addr);
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  return `${formatIpv4(ip - (ip % size))}/${prefix}`;
}

export const inCidr = (cidr: Cidr, ip: number): boolean => ip >= cidr.base && ip <= cidr.last;

/** Usable host range: network and broadcast addresses excluded except on /31 and /32. */
export function hostRange(cidr: Cidr): { first: number; last: number } {
  if (cidr.prefix >= 31) return { first: cidr.base, last: cidr.last };
  return { first: cidr.base + 1, last: cidr.last - 1 };
}

/** Neutron's default pools: the host range minus the gateway, split around it. */
export function defaultPools(cidr: Cidr, gateway: number | undefined): AllocationPool[] {
  const { first, last } = hostRange(cidr);
  const ranges: [number, number][] = [];
  if (gateway === undefined || gateway < first || gateway > last) ranges.push([first, last]);
  else {
    if (gateway > first) ranges.push([first, gateway - 1]);
    if (gateway < last) ranges.push([gateway + 1, last]);
  }
  return ranges.map(([s, e]) => ({ start: formatIpv4(s), end: formatIpv4(e) }));
}

/** Checks explicit pools: inside the subnet, ordered, not overlapping each other or the gateway. */
export function checkPools(cidr: Cidr, pools: AllocationPool[], gateway: number | undefined): void {
  const ranges: [number, number][] = [];
  const { first, last } = hostRange(cidr);
  for (const p of pools) {
    const s = parseIpv4(p.start);
    const e = parseIpv4(p.end);
    if (s === undefined || e === undefined || e < s) {
      throw badRequest(`Invalid input for allocation_pools. Reason: '${p.start}-${p.end}' is not a valid IP range.`, 'InvalidAllocationPool');
    }
    if (s < first || e > last) {
      throw badRequest(`The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${formatIpv4(cidr.base)}/${cidr.prefix}.`, 'OutOfBoundsAllocationPool');
    }
    if (gateway !== undefined && gateway >= s && gateway <= e) {
      throw conflict(`Gateway ip ${formatIpv4(gateway)} conflicts with allocation pool ${p.start}-${p.end}.`, 'GatewayConflictWithAllocationPools');
    }
    for (const [os, oe] of ranges) {
      if (s <= oe && e >= os) throw badRequest(`Found overlapping allocation pools: ${p.start}-${p.end}.`, 'OverlappingAllocationPools');
    }
    ranges.push([s, e]);
  }
}

/** First free address of the pools, in pool order; undefined when all are taken. */
export function firstFree(pools: readonly Readonly<AllocationPool>[], taken: Set<number>): number | undefined {
  for (const p of pools) {
    const s = parseIpv4(p.start) ?? 0;
    const e = parseIpv4(p.end) ?? -1;
    for (let ip = s; ip <= e; ip++) if (!taken.has(ip)) return ip;
  }
  return undefined;
}
