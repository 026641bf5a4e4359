import type { FastifyInstance } from 'fastify';
import { serviceRoutes, type RouteEntry } from './http/service.js';
import { join } from 'node:path';
import { ArrayModel, openDatabase, systemClock, type Clock, type Db } from '@protector/arraysim';
import { createArrayRestApp, createSelfSignedTls, type ArrayTls, type RateLimit } from '@protector/arraysim/rest';
import type { TokenValidator } from './auth.js';
import type { SiteContext } from './context.js';
import type { Endpoint, SiteHost } from './host.js';
import { createCinderApp } from './cinder/app.js';
import { CinderModel } from './cinder/model.js';
import { createGlanceApp } from './glance/app.js';
import { GlanceModel } from './glance/model.js';
import { Listener } from './http/listener.js';
import { createKeystoneApp } from './keystone/app.js';
import { KeystoneModel } from './keystone/model.js';
import { LocalTokenValidator, RemoteTokenValidator, type ServiceCredentials } from './keystone/validators.js';
import { createNeutronApp } from './neutron/app.js';
import { NeutronModel } from './neutron/model.js';
import { createNovaApp } from './nova/app.js';
import { NovaModel } from './nova/model.js';
import { createSimApp } from './sim/app.js';
import { FaultSwitch, parseFaultArg, type ServiceName } from './sim/faults.js';
import { Collection } from './store/collection.js';
import { ensureArray } from './seed/array.js';
import { applySeed, type SiteSeed } from './seed/load.js';


/** Port of each endpoint relative to the site's base port; 7 and 8 stay free for more arrays. */
export const PORT_OFFSETS: Record<Endpoint, number> = {
  keystone: 0,
  nova: 1,
  cinder: 2,
  neutron: 3,
  glance: 4,
  sim: 5,
  array: 6,
};

export interface SiteOptions {
  name: string;
  /** First port; the site takes base+0 … base+6 (PORT_OFFSETS). 0 gives every endpoint a free port (tests). */
  basePort: number;
  host?: string;
  /** Folder for state.db; absent keeps everything in memory. */
  dataDir?: string;
  region?: string;
  /** BUILD → ACTIVE time for servers (and creating → available for volumes). */
  bootTimeMs?: number;
  clock?: Clock;
  /** Password of the bootstrap admin user. */
  adminPassword?: string;
  tokenTtlSeconds?: number;
  /** Validate tokens against this Keystone instead of the site's own (a real Keystone). */
  externalKeystone?: ServiceCredentials & { cacheSeconds?: number };
  /** Initial faults, as `cloudsim up --fault` takes them. */
  faults?: string[];
  /** Objects to create on the first start of this site's store (ignored on later starts). */
  seed?: SiteSeed;
  /** The simulated FlashArray that is this site's Cinder backend. */
  array?: {
    /** Array name (letters, digits, '-'); default `<site name>-array`. */
    name?: string;
    /**
     * SQLite file of the array model, shared with other sites so a replicated pair lives in one
     * model; default: the site's own store (in memory when the site is).
     */
    dbPath?: string;
    /** Certificate, key and CA of its HTTPS face; default: a new CA and certificate at start. */
    tls?: ArrayTls;
    /** Requests per second / minute its face accepts before answering 429 (default: no limit). */
    rateLimit?: RateLimit;
    /** REST versions its face advertises (default 2.0 … 2.36). */
    versions?: string[];
    /** Idle time after which its face ends a REST session (default 30 minutes, as FlashArray). */
    sessionIdleMs?: number;
  };
}

/** Names the array face's certificate is valid for: the listen address and the loopback names. */
export const arrayHosts = (host: string): string[] => [...new Set([host, '127.0.0.1', 'localhost', '::1'])];

/**
 * How often a running site applies what is due on its arrays (schedules, retention, eradication).
 * Transfers do not wait for it: every array read that shows transfer state (or needs a transfer
 * done) first brings transfers to now, so a completion shows from its simulated end.
 */
const ARRAY_TICK_MS = 1000;

/**
 * One simulated OpenStack site: one SQLite store, one model per service, one port per service
 * plus the /sim control port. Models are built in dependency order (Nova uses the others).
 */
export class Site implements SiteHost {
  readonly ctx: SiteContext;
  readonly db: Db;
  readonly faults: FaultSwitch;
  readonly keystone: KeystoneModel;
  readonly glance: GlanceModel;
  readonly neutron: NeutronModel;
  readonly cinder: CinderModel;
  readonly nova: NovaModel;
  readonly validator: TokenValidator;
  readonly host: string;
  /** The array model holding this site's array (and, with a shared dbPath, its peers). */
  readonly arrays: ArrayModel;
  /** The array Cinder's volumes live on. */
  readonly arrayName: string;
  /** PEM of the CA that issued the array face's certificate: what its clients verify it with. */
  arrayCa = '';
  private tickTimer?: NodeJS.Timeout;
  private readonly listeners = new Map<Endpoint, Listener>();
  private readonly apps = new Map<Endpoint, FastifyInstance>();

  private constructor(readonly options: SiteOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.db = openDatabase(options.dataDir ? join(options.dataDir, 'state.db') : ':memory:');
    this.ctx = {
      name: options.name,
      region: options.region ?? 'RegionOne',
      db: this.db,
      clock: options.clock ?? systemClock,
      bootTimeMs: options.bootTimeMs ?? 2000,
      rootUrl: (service) => this.url(service),
    };
    this.faults = new FaultSwitch((service, down) => this.setDown(service, down));
    this.keystone = new KeystoneModel(this.ctx, {
      adminPassword: options.adminPassword ?? 'secret',
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    });
    this.glance = new GlanceModel(this.ctx);
    this.neutron = new NeutronModel(this.ctx);
    this.arrayName = options.array?.name ?? `${options.name}-array`;
    const dbPath = options.array?.dbPath;
    this.arrays = dbPath ? ArrayModel.open(dbPath, this.ctx.clock) : new ArrayModel(this.db, this.ctx.clock);
    ensureArray(this.arrays, this.arrayName);
    this.cinder = new CinderModel(this.ctx, { glance: this.glance, arrays: this.arrays, arrayName: this.arrayName });
    this.nova = new NovaModel(this.ctx, { cinder: this.cinder, neutron: this.neutron, glance: this.glance, bootFaults: this.faults });
    this.validator = options.externalKeystone
      ? new RemoteTokenValidator(options.externalKeystone, options.externalKeystone.cacheSeconds)
      : new LocalTokenValidator(this.keystone);
  }

  static async start(options: SiteOptions): Promise<Site> {
    const site = new Site(options);
    try {
      await site.open();
    } catch (err) {
      await site.stop();
      throw err;
    }
    return site;
  }

  private async open(): Promise<void> {
    // The array's face is HTTPS only, as on a real array; the OpenStack services stay plain HTTP.
    const tls = this.options.array?.tls ?? (await createSelfSignedTls({ hosts: arrayHosts(this.host) }));
    this.arrayCa = tls.ca;
    const a = this.options.array;
    const apps: Record<Endpoint, FastifyInstance> = {
      keystone: createKeystoneApp(this),
      nova: createNovaApp(this),
      cinder: createCinderApp(this),
      neutron: createNeutronApp(this),
      glance: createGlanceApp(this),
      sim: createSimApp(this),
      array: createArrayRestApp(this.arrays, this.arrayName, { clock: this.ctx.clock, rateLimit: a?.rateLimit, versions: a?.versions, sessionIdleMs: a?.sessionIdleMs }),
    };
    for (const [service, app] of Object.entries(apps) as [Endpoint, FastifyInstance][]) {
      const port = this.options.basePort === 0 ? 0 : this.options.basePort + PORT_OFFSETS[service];
      this.apps.set(service, app);
      const listener = new Listener(app, this.host, port, service === 'array' ? tls : undefined);
      this.listeners.set(service, listener);
      await listener.open();
    }
    // The catalog needs the bound ports, so Keystone bootstraps once everything listens.
    this.keystone.bootstrap();
    this.applySeedOnce();
    // unref'd: the tick alone never keeps the process alive.
    this.tickTimer = setInterval(() => this.tickArrays(), ARRAY_TICK_MS);
    this.tickTimer.unref();
    for (const arg of this.options.faults ?? []) {
      const { target, change } = parseFaultArg(arg);
      await this.faults.set(target, change);
    }
  }

  /** A seed describes a site's first day; re-applying it after a restart would undo what users did since. */
  private applySeedOnce(): void {
    if (!this.options.seed) return;
    const meta = new Collection<{ id: string; at: number }>(this.db, 'sim_meta');
    if (meta.get('seeded')) return;
    applySeed(this, this.options.seed);
    meta.insert({ id: 'seeded', at: this.ctx.clock.now() });
  }

  /** Applies what is due on the arrays; a failing tick (e.g. the shared file busy) waits for the next one. */
  private tickArrays(): void {
    try {
      // Each site applies its own array's schedules; the peer site does the same for its array.
      this.arrays.tick([this.arrayName]);
    } catch (err) {
      console.error(`cloudsim ${this.ctx.name}: array tick failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Every route a service serves (for tests that walk the whole API). */
  routes(service: Endpoint): RouteEntry[] {
    const app = this.apps.get(service);
    return app ? serviceRoutes(app) : [];
  }

  /** Root URL of a service (http://127.0.0.1:PORT; https for the array), whether or not it is up. */
  url(service: Endpoint): string {
    const l = this.listeners.get(service);
    const port = l ? l.port : this.options.basePort + PORT_OFFSETS[service];
    return `${service === 'array' ? 'https' : 'http'}://${this.host}:${port}`;
  }

  /** The Keystone clients authenticate against: the site's own, or the external one. */
  get authUrl(): string {
    return this.options.externalKeystone?.authUrl ?? `${this.url('keystone')}/v3`;
  }

  private async setDown(service: ServiceName, down: boolean): Promise<void> {
    const l = this.listeners.get(service);
    if (!l) return;
    if (down) await l.close();
    else await l.open();
  }

  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    for (const l of this.listeners.values()) await l.close();
    this.listeners.clear();
    if (this.arrays.db !== this.db && this.arrays.db.open) this.arrays.close();
    if (this.db.open) this.db.close();
  }
}
