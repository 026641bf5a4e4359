import type { FastifyInstance } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { SiteHost } from '../../host.js';

/** Only what this simulation implements; clients decide what to send by these aliases. */
const EXTENSIONS: { alias: string; name: string; description: string }[] = [
  { alias: 'security-group', name: 'security-group', description: 'The security groups extension.' },
  { alias: 'binding', name: 'Port Binding', description: 'Expose port bindings of a virtual port to external application' },
  { alias: 'external-net', name: 'Neutron external network', description: 'Adds external network attribute to network resource.' },
  { alias: 'quotas', name: 'Quota management support', description: 'Expose functions for quotas management per tenant' },
  { alias: 'quota_details', name: 'Quota details management support', description: 'Expose functions for quotas usage statistics per project' },
  { alias: 'port-security', name: 'Port Security', description: 'Provides port security' },
  { alias: 'net-mtu', name: 'Network MTU', description: 'Provides MTU attribute for a network resource.' },
  { alias: 'standard-attr-description', name: 'standard-attr-description', description: 'Extension to add descriptions to standard attributes' },
  { alias: 'standard-attr-timestamp', name: 'Resource timestamps', description: 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.' },
  { alias: 'standard-attr-revisions', name: 'Resource revision numbers', description: 'This extension will display the revision number of neutron resources.' },
  { alias: 'project-id', name: 'project_id field enabled', description: 'Extension that indicates that project_id field is enabled.' },
  { alias: 'pagination', name: 'Pagination support', description: 'Extension that indicates that pagination is enabled.' },
  { alias: 'sorting', name: 'Sorting support', description: 'Extension that indicates that sorting is enabled.' },
  { alias: 'stateful-security-group', name: 'Stateful security group', description: 'Indicates if the security group is stateful or not' },
];

const RESOURCES = ['network', 'subnet', 'port', 'security_group', 'security_group_rule', 'quota'];

const extensionView = (e: (typeof EXTENSIONS)[number]) => ({ ...e, updated: '2023-01-01T10:00:00-00:00', links: [] });

/** Version discovery, the v2.0 resource index and the extension list. */
export function registerVersionRoutes(app: FastifyInstance, site: SiteHost): void {
  const root = () => site.url('neutron');
  app.get('/', { config: { auth: false } }, async () => ({
    versions: [{ status: 'CURRENT', id: 'v2.0', links: [{ href: `${root()}/v2.0/`, rel: 'self' }] }],
  }));
  app.get('/v2.0', { config: { auth: false } }, async () => ({
    resources: RESOURCES.map((name) => {
      const collection = `${name}s`.replace(/_/g, '-').replace(/ys$/, 'ies');
      return { name, collection: collection.replace(/-/g, '_'), links: [{ href: `${root()}/v2.0/${collection}`, rel: 'self' }] };
    }),
  }));
  app.get('/v2.0/extensions', async () => ({ extensions: EXTENSIONS.map(extensionView) }));
  app.get<{ Params: { alias: string } }>('/v2.0/extensions/:alias', async (request) => {
    const ext = EXTENSIONS.find((e) => e.alias === request.params.alias);
    if (!ext) throw notFound(`Extension with alias ${request.params.alias} does not exist`, 'ExtensionNotFound');
    return { extension: extensionView(ext) };
  });
}
