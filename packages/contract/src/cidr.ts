/*
 * IPv4 and IPv6 addresses and CIDRs as numbers (bigint), for the re-IP rules of network mappings:
 * the API validates rules with them and the engine chooses addresses with them. Pure code, no
 * Node modules, so the dashboard's pages may import it too.
 */

export type IpVersion = 4 | 6;

export interface Ip {
  version: IpVersion;
  value: bigint;
}

export interface Cidr {
  version: IpVersion;
  /** The network address. */
  base: bigint;
  prefix: number;
  /** The last address (IPv4: the broadcast address). */
  last: bigint;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): bigint | null {
  const m = V4.exec(text);
  if (!m) return null;
  let n = 0n;
  for (const part of m.slice(1)) {
    // Leading zeros are refused: some parsers read them as octal.
    if (part.length > 1 && part.startsWith('0')) return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256n + BigInt(v);
  }
  return n;
}

function parseV6(text: string): bigint | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (const [i, p] of parts.entries()) {
      // An embedded IPv4 address (::ffff:10.0.0.1) is the last two groups.
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  let n = 0n;
  for (const g of [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]) n = (n << 16n) | BigInt(g);
  return n;
}

/** An address in either notation, or null. */
export function parseIp(text: string): Ip | null {
  if (text.includes(':')) {
    const v = parseV6(text);
    return v === null ? null : { version: 6, value: v };
  }
  const v = parseV4(text);
  return v === null ? null : { version: 4, value: v };
}

export const bitsOf = (version: IpVersion): number => (version === 4 ? 32 : 128);

/** The canonical text: dotted quad, or RFC 5952 (lower case, the longest run of zero groups as `::`). */
export function formatIp(version: IpVersion, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** An address's canonical text (so two spellings of one address compare equal), or the text itself when it is none. */
export const canonicalIp = (text: string): string => {
  const ip = parseIp(text);
  return ip ? formatIp(ip.version, ip.value) : text;
};

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** `address/prefix`; host bits must be zero (the reason then names the network meant). */
export function parseCidr(text: string): CidrParse {
  const [addr, len, ...rest] = text.split('/');
  const ip = addr === undefined ? null : parseIp(addr);
  if (rest.length > 0 || ip === null || len === undefined || !/^\d{1,3}$/.test(len)) return { ok: false, reason: `'${text}' is not an IPv4 or IPv6 network in CIDR notation (address/prefix).` };
  const prefix = Number(len);
  const bits = bitsOf(ip.version);
  if (prefix > bits) return { ok: false, reason: `'${text}': an IPv${ip.version} prefix is at most ${bits}.` };
  const size = 1n << BigInt(bits - prefix);
  const base = ip.value - (ip.value % size);
  if (base !== ip.value) return { ok: false, reason: `'${text}' has host bits set: the network is ${formatIp(ip.version, base)}/${prefix}.` };
  return { ok: true, cidr: { version: ip.version, base, prefix, last: base + size - 1n } };
}

export const cidrText = (c: Cidr): string => `${formatIp(c.version, c.base)}/${c.prefix}`;
export const cidrSize = (c: Cidr): bigint => c.last - c.base + 1n;
export const contains = (c: Cidr, ip: Ip): boolean => c.version === ip.version && ip.value >= c.base && ip.value <= c.last;
/** CIDRs overlap exactly when one contains the other. */
export const overlaps = (a: Cidr, b: Cidr): boolean => a.version === b.version && a.base <= b.last && b.base <= a.last;
export const within = (inner: Cidr, outer: Cidr): boolean => inner.version === outer.version && inner.base >= outer.base && inner.last <= outer.last;

/**
 * The addresses Neutron lets a port hold on a subnet: IPv4 without the network and broadcast
 * addresses (except on /31 and /32), IPv6 without the subnet-router anycast address (the first).
 */
export function hostRange(c: Cidr): { first: bigint; last: bigint } {
  if (c.version === 4) return c.prefix >= 31 ? { first: c.base, last: c.last } : { first: c.base + 1n, last: c.last - 1n };
  return c.prefix >= 127 ? { first: c.base, last: c.last } : { first: c.base + 1n, last: c.last };
}
