import { KeystoneSession } from '@protector/openstack';
import { ProtectorClient } from '../api/index.js';
import { resolveClouds, type CloudConfig } from '../config/index.js';
import { Coordinator, type SiteHandle } from '../coordinator/index.js';

/** The global options every command sees (as the OpenStack client names them). */
export interface GlobalOptions {
  osCloud?: string;
  secondaryCloud?: string;
  osEndpoint?: string;
  secondaryEndpoint?: string;
  timeout?: number;
  waitTimeout?: number;
  waitUnreachable?: number;
  debug?: boolean;
}

/**
 * What a command works with: the site named by --os-cloud and, when a change must reach it,
 * the one named by --secondary-cloud. Clients are made on first use, so a read needs only one
 * site and `--help` needs none.
 */
export class CliContext {
  private clouds?: { primary: CloudConfig; secondary: CloudConfig | null };
  private handles = new Map<string, SiteHandle>();
  private coord?: Coordinator;

  constructor(
    readonly opts: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private resolve(): { primary: CloudConfig; secondary: CloudConfig | null } {
    this.clouds ??= resolveClouds({ cloud: this.opts.osCloud, secondaryCloud: this.opts.secondaryCloud, env: this.env });
    return this.clouds;
  }

  private handle(cloud: CloudConfig, endpoint: string | undefined): SiteHandle {
    let h = this.handles.get(cloud.name);
    if (!h) {
      const http = { timeoutMs: (this.opts.timeout ?? 60) * 1000, retries: 1 };
      const session = new KeystoneSession(cloud.siteClientsOptions(http));
      h = { name: cloud.name, client: new ProtectorClient({ session, site: cloud.name, endpointOverride: endpoint, timeoutMs: http.timeoutMs }) };
      this.handles.set(cloud.name, h);
    }
    return h;
  }

  /** The site of --os-cloud (OS_CLOUD, or the OS_* variables). */
  primary(): SiteHandle {
    return this.handle(this.resolve().primary, this.opts.osEndpoint);
  }

  /** The site of --secondary-cloud, if one was named. */
  secondary(): SiteHandle | null {
    const s = this.resolve().secondary;
    return s ? this.handle(s, this.opts.secondaryEndpoint) : null;
  }

  /**
   * The SDK's Coordinator over the two sites, with the CLI's words for what to run: the
   * cross-site rules live there, the terminal here.
   */
  coordinator(): Coordinator {
    this.coord ??= new Coordinator(this.primary(), this.secondary(), {
      syncHint: (pgRef) => `run 'protector protection-group sync ${pgRef}'`,
      planHint: (planRef) => `run 'protector plan show ${planRef}'`,
      peerHint: 'name it with --secondary-cloud or OS_SECONDARY_CLOUD',
      note: (level, message) => void process.stderr.write(`${level === 'warning' ? 'protector: ' : ''}${message}\n`),
    });
    return this.coord;
  }

  /**
   * The peer, which must answer before anything changes (DESIGN §5.1): protection groups and the
   * admin changes (sites, tenant mappings) alike. Without a peer named, nothing is tried: a
   * missing argument, not an unreachable site.
   */
  reachablePeer(): Promise<SiteHandle> {
    return this.coordinator().reachablePeer();
  }

  /** How long `--wait` follows an operation, and a site that stopped answering (ms). */
  waitLimits(): { timeoutMs: number; unreachableMs: number } {
    return { timeoutMs: (this.opts.waitTimeout ?? 3600) * 1000, unreachableMs: (this.opts.waitUnreachable ?? 300) * 1000 };
  }

  /** Both sites, the --os-cloud one first. */
  both(): SiteHandle[] {
    return this.coordinator().both();
  }
}
