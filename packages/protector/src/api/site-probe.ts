import type { Site } from '../db/sites.js';
import { replicationTypeOf, type SiteClients } from '@protector/openstack';
import { serviceClients } from './resources/clients.js';
import type { StorageDriver } from '../storage/index.js';

export type CheckedService = 'keystone' | 'nova' | 'cinder' | 'neutron' | 'glance' | 'array';

export interface SiteCheck {
  service: CheckedService;
  status: 'ok' | 'error';
  detail: string;
}

/** A volume type Protector can protect: replication on, of one replication type. */
export interface ReplicatedVolumeType {
  id: string;
  name: string;
  replication_type: 'async' | 'sync';
  extra_specs: Record<string, string>;
}

/** What `validate` and `volume-types` do against a registered site's own services. */
export interface SiteProbe {
  validate(site: Site, requestId: string): Promise<SiteCheck[]>;
  volumeTypes(site: Site, requestId: string): Promise<ReplicatedVolumeType[]>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));


/**
 * Probes a site with its stored service credentials: Keystone authenticates them, each service
 * answers a cheap read, and the array is checked through this service's storage driver. Every
 * check runs, and each reports its own outcome, so one broken service does not hide another.
 */
export function openStackProbe(opts: { storage?: () => StorageDriver | undefined | Promise<StorageDriver | undefined>; timeoutMs?: number }): SiteProbe {
  const clients = (site: Site, requestId: string): SiteClients => serviceClients(site, requestId, opts.timeoutMs);

  return {
    async validate(site, requestId) {
      const c = clients(site, requestId);
      const out: SiteCheck[] = [];
      const check = async (service: CheckedService, fn: () => Promise<string>) => {
        try {
          out.push({ service, status: 'ok', detail: await fn() });
        } catch (err) {
          out.push({ service, status: 'error', detail: message(err) });
        }
      };
      await check('keystone', async () => {
        await c.session.token();
        return `authenticated as ${site.credentials.username} in project ${site.credentials.project_name}`;
      });
      await check('nova', async () => `${(await c.nova.listFlavors()).length} flavors visible`);
      await check('cinder', async () => `${(await c.cinder.listVolumeTypes()).length} volume types`);
      await check('neutron', async () => `${(await c.neutron.listNetworks()).length} networks visible`);
      await check('glance', async () => `${(await c.glance.listImages({})).length} images visible`);
      await check('array', async () => {
        const driver = await opts.storage?.();
        if (!driver) throw new Error('no storage driver is configured on this site ([storage] driver)');
        const report = await driver.validateConnection();
        const a = report.arrays.find((x) => x.array === site.array.name);
        if (!a) throw new Error(`array '${site.array.name}' is not one of this site's configured arrays (${report.arrays.map((x) => x.array).join(', ')})`);
        if (!a.reachable) throw new Error(a.error ?? `array '${a.array}' is unreachable`);
        if (a.link.state !== 'connected') throw new Error(`array '${a.array}' is reachable, but its replication link to '${a.link.remote}' is ${a.link.state}`);
        return `array '${a.array}' (Purity ${a.version ?? '?'}) is reachable, ${a.link.type ?? ''} link to '${a.link.remote}' connected`.replace('  ', ' ');
      });
      return out;
    },

    async volumeTypes(site, requestId) {
      const types = await clients(site, requestId).cinder.listVolumeTypes();
      return types.flatMap((t) => {
        const rt = replicationTypeOf(t.extra_specs);
        return rt ? [{ id: t.id, name: t.name, replication_type: rt, extra_specs: t.extra_specs }] : [];
      });
    },
  };
}
