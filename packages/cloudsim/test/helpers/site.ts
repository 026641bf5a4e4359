import { after } from 'node:test';
import { Site, type SiteOptions } from '../../src/site.js';

/** A JSON HTTP answer as tests look at it. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A site in memory on free loopback ports, stopped when the test file ends. */
export async function startTestSite(options: Partial<SiteOptions> = {}): Promise<TestSite> {
  const site = await Site.start({ name: 'test-site', basePort: 0, bootTimeMs: 0, ...options });
  const t = new TestSite(site);
  after(() => site.stop());
  return t;
}

export class TestSite {
  private adminTokenCache?: string;
  constructor(readonly site: Site) {}

  /** Sends a request to a service; the body is sent as JSON when it is not a string. */
  async call<T = Record<string, unknown>>(
    service: Parameters<Site['url']>[0],
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    const token = opts.token === undefined ? await this.adminToken() : opts.token;
    if (token) headers['X-Auth-Token'] = token;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.site.url(service) + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** A project-scoped token for `user` (default: the bootstrap admin on project admin). */
  async token(user = 'admin', password = 'secret', project = 'admin'): Promise<string> {
    const res = await fetch(`${this.site.url('keystone')}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, password, domain: { id: 'default' } } } },
          scope: { project: { name: project, domain: { id: 'default' } } },
        },
      }),
    });
    const id = res.headers.get('x-subject-token');
    if (res.status !== 201 || !id) throw new Error(`token for ${user}@${project}: HTTP ${res.status} ${await res.text()}`);
    return id;
  }

  async adminToken(): Promise<string> {
    this.adminTokenCache ??= await this.token();
    return this.adminTokenCache;
  }

  /** Creates a project with a user holding `role` on it, straight in the model; returns ids and a token. */
  async tenant(name: string, role = 'member'): Promise<{ projectId: string; userId: string; token: string }> {
    const ks = this.site.keystone;
    const project = ks.ensureProject(name, 'default');
    const user = ks.findUser(`${name}-user`, 'default') ?? ks.createUser({ name: `${name}-user`, password: 'pw', default_project_id: project.id });
    ks.ensureAssignment(user.id, ks.ensureRole(role).id, { project_id: project.id });
    return { projectId: project.id, userId: user.id, token: await this.token(`${name}-user`, 'pw', name) };
  }
}
