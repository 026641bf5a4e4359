import type { MappingKind, PrecheckFinding, SiteHandle } from '@protector/protectorclient';
import type { MissingMapping } from '../shared/pg-detail.js';
import { why } from './site-errors.js';
import { siteNamer, type ReadCopy } from './pg-locate.js';

/** How long one answer is reused: the page polls every few seconds, a pre-check reads the other site's Nova, Neutron, Cinder and Glance. */
const TTL_MS = 30_000;

export interface MappingCheck {
  site: string | null;
  error: string | null;
  missing: MissingMapping[];
}

interface Cached {
  at: number;
  check: MappingCheck;
}

/**
 * Which resources the members use have no counterpart on the other site, decided by the engine
 * itself: a dry-run pre-check (nothing recorded or changed) whose `mapping_missing` findings are
 * exactly what a failover or drill would refuse on (the rule in protector's prechecks/resolve.ts:
 * a PG mapping in either direction, else the same name or image id on the target). Answers are
 * kept per session, PG and metadata version for a short while.
 */
export class MappingChecks {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly now: () => number = Date.now) {}

  async check(sessionId: string, copy: ReadCopy, others: SiteHandle[], memberCount: number): Promise<MappingCheck> {
    if (memberCount === 0) return { site: copy.site.name, error: null, missing: [] };
    const key = JSON.stringify([sessionId, copy.pg.id, copy.site.name, copy.status.metadata_version, copy.status.status]);
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.check;
    const check = await this.run(copy, others);
    this.prune();
    if (!check.error) this.cache.set(key, { at: this.now(), check });
    return check;
  }

  private async run(copy: ReadCopy, others: SiteHandle[]): Promise<MappingCheck> {
    const name = siteNamer(copy, others);
    try {
      // The mapping check is the same for every DR action (source: where it runs now; target: the other site); a drill's is asked as it never changes anything.
      const report = await copy.site.client.actions.testFailover(copy.pg.id, { dry_run: true });
      const failed = [...report.blockers, ...report.warnings].find((f) => f.check === 'mappings' && f.code === 'check_failed');
      if (failed) return { site: copy.site.name, error: failed.message, missing: [] };
      return { site: copy.site.name, error: null, missing: report.blockers.filter((f) => f.code === 'mapping_missing').map((f) => missing(f, name)) };
    } catch (err) {
      return { site: copy.site.name, error: `the mapping pre-check could not run on ${copy.site.name}: ${why(err)}`, missing: [] };
    }
  }

  private prune(): void {
    const now = this.now();
    for (const [k, v] of this.cache) if (now - v.at >= TTL_MS) this.cache.delete(k);
  }
}

function missing(f: PrecheckFinding, name: (id: string | null) => string | null): MissingMapping {
  const d = f.detail as { kind?: string; source_id?: string; source_site_id?: string; target_site_id?: string; servers?: { id: string; name: string }[] };
  return {
    kind: d.kind as MappingKind,
    source_id: String(d.source_id ?? ''),
    source_site: name(d.source_site_id ?? null),
    target_site: name(d.target_site_id ?? null),
    servers: d.servers ?? [],
    message: f.message,
  };
}
