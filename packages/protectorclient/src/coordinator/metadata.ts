import { isProtectorApiError, type Metadata } from '../api/index.js';
import { DivergedError, type SiteHandle } from './sites.js';

export interface Propagated {
  version: number;
  /** The peer's version before the push (0: it did not know the PG). */
  peerVersion: number;
  pushed: boolean;
  acknowledged: boolean;
}

/** The version and state a site holds, or null when it does not know the PG. */
async function held(site: SiteHandle, pgId: string): Promise<{ version: number; syncState: string } | null> {
  try {
    const s = await site.client.metadata.syncStatus(pgId);
    return { version: s.metadata_version, syncState: s.sync_state };
  } catch (err) {
    if (isProtectorApiError(err) && err.status === 404) return null;
    throw err;
  }
}

/**
 * DESIGN §5.2–3: after a change on `from`, its document goes to `to` with `expected_version`
 * (the version `to` holds), then `from` is told the peer stored it (ack → in_sync). A peer
 * holding a newer version than `from` means both changed: never merged silently.
 */
export async function propagate(pgId: string, from: SiteHandle, to: SiteHandle): Promise<Propagated> {
  // The owning site's engine may bump the version between our read and the ack (an operation
  // finishing): then the newer document is pushed too, a few times at most.
  for (let attempt = 1; ; attempt++) {
    const src: Metadata = await from.client.metadata.get(pgId);
    try {
      return await pushAndAck(pgId, src, from, to);
    } catch (err) {
      const refused = isProtectorApiError(err) && err.status === 409;
      if (!refused || attempt >= 5 || (await held(from, pgId))?.version === src.version) throw err;
    }
  }
}

async function pushAndAck(pgId: string, src: Metadata, from: SiteHandle, to: SiteHandle): Promise<Propagated> {
  const peer = await held(to, pgId);
  const peerVersion = peer?.version ?? 0;
  if (peerVersion > src.version || (peerVersion === src.version && peer?.syncState === 'out_of_sync' && src.sync_state === 'out_of_sync')) {
    throw new DivergedError(pgId, [
      { site: from.name, version: src.version, syncState: src.sync_state },
      { site: to.name, version: peerVersion, syncState: peer?.syncState ?? 'unknown' },
    ]);
  }
  let pushed = false;
  if (peerVersion < src.version) {
    await to.client.metadata.push(pgId, { expected_version: peerVersion, version: src.version, document: src.document });
    pushed = true;
  }
  let acknowledged = false;
  if (src.sync_state === 'out_of_sync') {
    await from.client.metadata.ack(pgId, src.version);
    acknowledged = true;
  }
  return { version: src.version, peerVersion, pushed, acknowledged };
}

export interface SyncStatusRow {
  site: string;
  version: number | null;
  syncState: string;
  status: string | null;
  /** The operation running on the PG on that site (its pushes wait for it). */
  activeOperationId: string | null;
}

/** `protection-group sync-status`: both sites' versions side by side (UNREACHABLE when one does not answer). */
export async function syncStatus(pgId: string, sites: SiteHandle[]): Promise<SyncStatusRow[]> {
  return Promise.all(
    sites.map(async (s): Promise<SyncStatusRow> => {
      try {
        const st = await s.client.metadata.syncStatus(pgId);
        return { site: s.name, version: st.metadata_version, syncState: st.sync_state === 'in_sync' ? 'IN SYNC' : 'OUT OF SYNC', status: st.status, activeOperationId: st.active_operation_id };
      } catch (err) {
        if (isProtectorApiError(err) && err.status === 404) return { site: s.name, version: null, syncState: 'UNKNOWN HERE', status: null, activeOperationId: null };
        return { site: s.name, version: null, syncState: 'UNREACHABLE', status: null, activeOperationId: null };
      }
    }),
  );
}

/**
 * `protection-group sync`: brings the two copies together. The newer one wins when the other
 * did not change since; when both changed (diverged) only `source` decides: its document is
 * stored on both at a version above either, so both agree again.
 */
export async function syncPair(pgId: string, a: SiteHandle, b: SiteHandle, source?: SiteHandle): Promise<{ from: string; to: string; version: number }> {
  const [ha, hb] = await Promise.all([held(a, pgId), held(b, pgId)]);
  if (!ha && !hb) throw new Error(`protection group ${pgId} is known on neither ${a.name} nor ${b.name}`);
  if (source) {
    const other = source === a ? b : a;
    const doc = await source.client.metadata.get(pgId);
    const otherVersion = (source === a ? hb : ha)?.version ?? 0;
    const version = Math.max(doc.version, otherVersion) + 1;
    // The winner takes the new version too, so both hold the same one.
    await source.client.metadata.push(pgId, { expected_version: doc.version, version, document: doc.document });
    await other.client.metadata.push(pgId, { expected_version: otherVersion, version, document: doc.document });
    return { from: source.name, to: other.name, version };
  }
  const va = ha?.version ?? 0;
  const vb = hb?.version ?? 0;
  const [from, to] = va >= vb ? [a, b] : [b, a];
  const r = await propagate(pgId, from, to);
  return { from: from.name, to: to.name, version: r.version };
}
