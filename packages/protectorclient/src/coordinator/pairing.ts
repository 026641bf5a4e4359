import { randomBytes } from 'node:crypto';
import type { SitePairing } from '../api/index.js';
import type { SiteHandle } from './sites.js';

export interface PairedSite {
  /** The site whose Protector stored the secret, and the peer registration it stored it on. */
  site: string;
  peer: string;
  pairing: SitePairing;
}

/**
 * Pairs two sites' Protector services (DESIGN §5.6): one new secret (256 random bits), sent by
 * this client to both, each storing it on its registration of the other. The services never call
 * each other, so the registering admin's client carries it; it is not printed or kept. Running it
 * again rotates the secret on both.
 */
export async function pairSites(a: SiteHandle, b: SiteHandle): Promise<PairedSite[]> {
  const [ra, rb] = await Promise.all([a.client.sites.list(), b.client.sites.list()]);
  const local = (sites: typeof ra, h: SiteHandle) => {
    const l = sites.find((s) => s.is_local);
    if (!l) throw new Error(`site ${h.name} has no local site registered; register it first ('protector site create --local')`);
    return l;
  };
  const [la, lb] = [local(ra, a), local(rb, b)];
  // Each side must know the other under the name the other calls itself: documents name sites by it.
  const peerOn = (sites: typeof ra, h: SiteHandle, name: string) => {
    const p = sites.find((s) => !s.is_local && s.name === name);
    if (!p) throw new Error(`site ${h.name} has no registration of its peer '${name}'; register it there first ('protector site create ${name} …')`);
    return p;
  };
  const [pa, pb] = [peerOn(ra, a, lb.name), peerOn(rb, b, la.name)];
  const secret = randomBytes(32).toString('base64url');
  const [sa, sb] = await Promise.all([a.client.sites.pair(pa.id, secret), b.client.sites.pair(pb.id, secret)]);
  return [
    { site: la.name, peer: pa.name, pairing: sa },
    { site: lb.name, peer: pb.name, pairing: sb },
  ];
}
