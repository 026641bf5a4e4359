import type { Site as CloudSite } from '@protector/cloudsim';
import { KeystoneClient, KeystoneSession, TokenValidator } from '@protector/openstack';
import { buildApi } from '../../src/api/app.js';
import { openStackProbe } from '../../src/api/site-probe.js';
import { SecretBox } from '../../src/db/secrets.js';
import { createLogger, createMetrics } from '../../src/observability/index.js';
import { Enforcer } from '../../src/policy/index.js';
import { httpCaller, passwordToken, type ApiHarness } from './api.js';
import { ALICE, MALLORY, SECRET_KEY, SERVICE_USER, SRE, type SiteProtector, type TwoSites } from './two-sites.js';

/** protector-api of one site of a two-sites pair, on its own database, and tokens of that site's users. */
export interface SiteApi {
  url: string;
  call: ApiHarness['call'];
  token(user: keyof typeof USERS): Promise<string>;
  /** A project's id on this site. */
  project(name: 'demo' | 'tenant-b'): string;
  /** Stops listening (a protector-api going down); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const USERS = { alice: { ...ALICE, project: 'demo' }, mallory: { ...MALLORY, project: 'tenant-b' }, sre: { ...SRE, project: 'service' } } as const;

/**
 * protector-api on each site of `t`, as an operator deploys them: tokens validated by each
 * site's Keystone for real (the projects are mapped by startTwoSites), and the two
 * sites paired with `pairingSecret` (DESIGN §5.6). Engines are the tests' own (`t.atA.run`).
 */
export async function startSiteApis(t: TwoSites, pairingSecret: string): Promise<{ a: SiteApi; b: SiteApi }> {
  const projectOf = (s: CloudSite, name: string): string => {
    const p = s.keystone.projects.find((x) => x.name === name);
    if (!p) throw new Error(`no project ${name} on ${s.options.name}`);
    return p.id;
  };
  const start = async (p: SiteProtector, here: CloudSite): Promise<SiteApi> => {
    const authUrl = `${here.url('keystone')}/v3`;
    const service = new KeystoneSession({
      authUrl,
      credentials: { type: 'password', username: SERVICE_USER.name, password: SERVICE_USER.password, userDomainId: 'default', scope: { projectName: 'service', projectDomainId: 'default' } },
    });
    const peer = here === t.a ? p.siteB : p.siteA;
    await p.sites.setPairing(peer.id, pairingSecret);
    const build = () => buildApi({
      logger: createLogger({ service: 'protector-api', level: 'error', destination: { write: () => undefined } }),
      metrics: createMetrics({ defaultMetrics: false }),
      db: p.db,
      box: new SecretBox(SECRET_KEY),
      enforcer: new Enforcer({}),
      tokens: new TokenValidator(new KeystoneClient(service), { cacheSeconds: 30 }),
      probe: openStackProbe({ storage: () => p.storage, timeoutMs: 5000 }),
      storage: async () => p.storage,
      limits: { defaultLimit: 100, maxLimit: 1000 },
      wwwAuthenticateUri: authUrl,
      checkResponses: true,
    });
    let app = await build();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://127.0.0.1:${port}`;
    let up = true;
    const stop = async () => {
      if (up) await app.close();
      up = false;
    };
    const startAgain = async () => {
      if (up) return;
      app = await build();
      await app.listen({ host: '127.0.0.1', port });
      up = true;
    };
    const tokens = new Map<string, string>();
    const token = async (user: keyof typeof USERS): Promise<string> => {
      const u = USERS[user];
      const tk = tokens.get(user) ?? (await passwordToken(authUrl, u.name, u.password, u.project));
      tokens.set(user, tk);
      return tk;
    };
    return { url, call: httpCaller(url, () => token('alice')), token, project: (name) => projectOf(here, name), stop, start: startAgain, close: stop };
  };
  return { a: await start(t.atA, t.a), b: await start(t.atB, t.b) };
}
