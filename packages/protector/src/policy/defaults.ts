/**
 * Protector's policy defaults, registered in code like oslo.policy's RuleDefault and
 * DocumentedRuleDefault: operators override only what they change, in policy.yaml.
 *
 * Roles follow Keystone's default hierarchy (admin implies member implies reader, and tokens
 * carry the implied roles): readers may look, members may change, admins may do anything in any
 * project. Admin-only resources (sites, tenant mappings, secrets) are deployment-wide.
 */

export interface PolicyOperation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
}

export interface PolicyDefault {
  readonly name: string;
  readonly check_str: string;
  readonly description: string;
  /** The API calls the rule guards; empty for base rules that only other rules refer to. */
  readonly operations: readonly PolicyOperation[];
}

const ADMIN = 'rule:admin_required';
const MEMBER = 'rule:admin_or_member';
const READER = 'rule:admin_or_reader';

export const BASE_RULES = [
  { name: 'admin_required', check_str: 'role:admin', description: 'Administrators of the deployment.', operations: [] },
  {
    name: 'project_member',
    check_str: 'role:member and project_id:%(project_id)s',
    description: 'Members of the project that owns the resource.',
    operations: [],
  },
  {
    name: 'project_reader',
    check_str: 'role:reader and project_id:%(project_id)s',
    description: 'Readers of the project that owns the resource.',
    operations: [],
  },
  {
    name: 'admin_or_member',
    check_str: 'rule:admin_required or rule:project_member',
    description: 'Administrators, or members of the owning project.',
    operations: [],
  },
  {
    name: 'admin_or_reader',
    check_str: 'rule:admin_required or rule:project_reader',
    description: 'Administrators, or readers of the owning project.',
    operations: [],
  },
] as const satisfies readonly PolicyDefault[];

const SITES = '/v1/admin/sites';
const SITE = `${SITES}/{site_id}`;
const MAPPINGS = '/v1/admin/tenant-mappings';
const PGS = '/v1/{project_id}/protection-groups';
const PG = `${PGS}/{protection_group_id}`;
const BULK = '/v1/{project_id}/actions';
const OPS = '/v1/{project_id}/operations';
const PLANS = '/v1/{project_id}/recovery-plans';
const PLAN = `${PLANS}/{plan_id}`;
const OP = `${OPS}/{operation_id}`;

const get = (path: string): PolicyOperation => ({ method: 'GET', path });
const post = (path: string): PolicyOperation => ({ method: 'POST', path });
const put = (path: string): PolicyOperation => ({ method: 'PUT', path });
const del = (path: string): PolicyOperation => ({ method: 'DELETE', path });

export const PROTECTOR_POLICIES = [
  { name: 'protector:sites:list', check_str: ADMIN, description: 'List the sites of the deployment.', operations: [get(SITES)] },
  { name: 'protector:sites:show', check_str: ADMIN, description: 'Show a site.', operations: [get(SITE)] },
  { name: 'protector:sites:create', check_str: ADMIN, description: 'Register a site.', operations: [post(SITES)] },
  { name: 'protector:sites:update', check_str: ADMIN, description: 'Update a site.', operations: [put(SITE)] },
  { name: 'protector:sites:delete', check_str: ADMIN, description: 'Delete a site.', operations: [del(SITE)] },
  {
    name: 'protector:sites:validate',
    check_str: ADMIN,
    description: 'Check that a site and its storage are reachable and correctly configured.',
    operations: [post(`${SITE}/validate`)],
  },
  {
    name: 'protector:sites:pair',
    check_str: ADMIN,
    description: "Set or rotate the pairing secret this site shares with its peer (the peer site's registration).",
    operations: [put(`${SITE}/pairing`)],
  },
  {
    name: 'protector:sites:list_volume_types',
    check_str: ADMIN,
    description: "List a site's Cinder volume types and whether they are replication-enabled.",
    operations: [get(`${SITE}/volume-types`)],
  },
  {
    name: 'protector:site:failover',
    check_str: 'rule:admin_required or role:dr_site_admin',
    description: 'Fail over every protection group of a lost site, across projects, from the surviving site (the seed product\'s dr_site_admin role may).',
    operations: [post('/v1/admin/site-failover')],
  },
  { name: 'protector:tenant_mappings:list', check_str: ADMIN, description: 'List the project mappings between the sites.', operations: [get(MAPPINGS)] },
  { name: 'protector:tenant_mappings:show', check_str: ADMIN, description: 'Show a project mapping.', operations: [get(`${MAPPINGS}/{mapping_id}`)] },
  { name: 'protector:tenant_mappings:create', check_str: ADMIN, description: 'Map a project to its peer project on the other site.', operations: [post(MAPPINGS)] },
  { name: 'protector:tenant_mappings:delete', check_str: ADMIN, description: 'Delete a project mapping.', operations: [del(`${MAPPINGS}/{mapping_id}`)] },
  { name: 'protector:protection_groups:list', check_str: READER, description: "List a project's protection groups.", operations: [get(PGS)] },
  { name: 'protector:protection_groups:show', check_str: READER, description: 'Show a protection group.', operations: [get(PG)] },
  { name: 'protector:protection_groups:create', check_str: MEMBER, description: 'Create a protection group.', operations: [post(PGS)] },
  { name: 'protector:protection_groups:update', check_str: MEMBER, description: "Update a protection group's name and description.", operations: [put(PG)] },
  { name: 'protector:protection_groups:delete', check_str: MEMBER, description: 'Delete a protection group and its replication.', operations: [del(PG)] },
  { name: 'protector:members:list', check_str: READER, description: 'List the servers in a protection group.', operations: [get(`${PG}/members`)] },
  { name: 'protector:members:add', check_str: MEMBER, description: 'Add a server and its volumes to a protection group.', operations: [post(`${PG}/members`)] },
  { name: 'protector:members:remove', check_str: MEMBER, description: 'Remove a server from a protection group.', operations: [del(`${PG}/members/{member_id}`)] },
  {
    name: 'protector:policy:show',
    check_str: READER,
    description: "Show a protection group's replication policy (stored credentials are masked).",
    operations: [get(`${PG}/policy`)],
  },
  {
    name: 'protector:policy:update',
    check_str: MEMBER,
    description: "Create or replace a protection group's replication policy.",
    operations: [post(`${PG}/policy`), put(`${PG}/policy`)],
  },
  { name: 'protector:resource_mappings:show', check_str: READER, description: "Show a protection group's resource mappings.", operations: [get(`${PG}/resource-mappings`)] },
  {
    name: 'protector:resource_mappings:update',
    check_str: MEMBER,
    description: "Replace a protection group's resource mappings.",
    operations: [put(`${PG}/resource-mappings`)],
  },
  { name: 'protector:metadata:show', check_str: READER, description: "Show a protection group's cross-site metadata and its version.", operations: [get(`${PG}/metadata`)] },
  {
    name: 'protector:metadata:push',
    check_str: MEMBER,
    description: "Push a protection group's metadata from the peer site (with expected_version).",
    operations: [put(`${PG}/metadata`)],
  },
  {
    name: 'protector:metadata:ack',
    check_str: MEMBER,
    description: "Acknowledge that the peer site stored a protection group's metadata at a version (ends out_of_sync).",
    operations: [post(`${PG}/metadata/ack`)],
  },
  { name: 'protector:sync_status:show', check_str: READER, description: "Show a protection group's replication status and lag.", operations: [get(`${PG}/sync-status`)] },
  { name: 'protector:recovery_points:list', check_str: READER, description: "List a protection group's recovery points.", operations: [get(`${PG}/recovery-points`)] },
  { name: 'protector:actions:failover', check_str: MEMBER, description: 'Fail a protection group over to the other site (planned, unplanned or point-in-time). The same for several at once (the bulk action).', operations: [post(`${PG}/action`), post(BULK)] },
  { name: 'protector:actions:failback', check_str: MEMBER, description: 'Fail a protection group back to its original site. The same for several at once (the bulk action).', operations: [post(`${PG}/action`), post(BULK)] },
  { name: 'protector:actions:test_failover', check_str: MEMBER, description: 'Start a protection group on the other site in isolation, leaving production running. The same for several at once (the bulk action).', operations: [post(`${PG}/action`), post(BULK)] },
  { name: 'protector:actions:test_cleanup', check_str: MEMBER, description: 'Remove what a test failover created. The same for several at once (the bulk action).', operations: [post(`${PG}/action`), post(BULK)] },
  { name: 'protector:actions:sync', check_str: MEMBER, description: 'Replicate a protection group now.', operations: [post(`${PG}/action`)] },
  { name: 'protector:operations:list', check_str: READER, description: "List a project's operations.", operations: [get(OPS)] },
  { name: 'protector:operations:show', check_str: READER, description: 'Show an operation with its steps.', operations: [get(OP)] },
  { name: 'protector:operations:report', check_str: READER, description: 'Show the run report of an operation (a single action, a bulk action or a recovery plan run): who, when, each step per protection group and server, the achieved RTO and RPO, as JSON or a printable HTML page.', operations: [get(`${OP}/report`)] },
  { name: 'protector:operations:cleanup', check_str: MEMBER, description: 'Remove what a failed operation left behind.', operations: [post(`${OP}/cleanup`)] },
  { name: 'protector:operations:resume', check_str: MEMBER, description: 'Resume a failed operation from the step where it stopped (a failed rollback goes on rolling back).', operations: [post(`${OP}/resume`)] },
  { name: 'protector:operations:cancel', check_str: MEMBER, description: 'Cancel an operation where it is safe to do so.', operations: [post(`${OP}/cancel`)] },
  { name: 'protector:operations:approve', check_str: MEMBER, description: 'Approve the wait of a recovery plan run, so it goes on to its next tier.', operations: [post(`${OP}/approve`)] },
  { name: 'protector:operations:commit', check_str: MEMBER, description: 'Commit a failover awaiting commit: replication is reversed and it goes on.', operations: [post(`${OP}/commit`)] },
  { name: 'protector:operations:rollback', check_str: MEMBER, description: 'Roll back a failover awaiting commit: what came up goes, the source runs again.', operations: [post(`${OP}/rollback`)] },
  { name: 'protector:operations:pause', check_str: MEMBER, description: 'Pause a recovery plan run before its next tier (resume goes on).', operations: [post(`${OP}/pause`)] },
  { name: 'protector:recovery_plans:list', check_str: READER, description: "List a project's recovery plans.", operations: [get(PLANS)] },
  { name: 'protector:recovery_plans:show', check_str: READER, description: 'Show a recovery plan.', operations: [get(PLAN)] },
  { name: 'protector:recovery_plans:create', check_str: MEMBER, description: 'Create a recovery plan.', operations: [post(PLANS)] },
  { name: 'protector:recovery_plans:update', check_str: MEMBER, description: 'Change a recovery plan (a new version).', operations: [put(PLAN)] },
  { name: 'protector:recovery_plans:delete', check_str: MEMBER, description: 'Delete a recovery plan.', operations: [del(PLAN)] },
  { name: 'protector:recovery_plans:copy', check_str: MEMBER, description: "Store the other site's version of a recovery plan (the client keeps both sites' copies alike).", operations: [put(`${PLAN}/metadata`)] },
  { name: 'protector:recovery_plans:run', check_str: MEMBER, description: 'Run a recovery plan (drill, failover, failback), or pre-check a run.', operations: [post(`${PLAN}/run`)] },
  {
    name: 'protector:health:show',
    check_str: READER,
    description: "Show the replication health, RPO compliance and failover readiness of a project's protection groups.",
    operations: [get('/v1/{project_id}/health')],
  },
  {
    name: 'protector:secrets:show',
    check_str: ADMIN,
    description: "Show stored secrets when asked with show_secrets: a site's service password and array API token, a protection group's Keystone trust ids.",
    operations: [get(SITE), get(PG)],
  },
] as const satisfies readonly PolicyDefault[];

/** Every action Protector enforces; the API layer can use the type to catch typos. */
export type ProtectorAction = (typeof PROTECTOR_POLICIES)[number]['name'];

export const PROTECTOR_ACTIONS: readonly ProtectorAction[] = PROTECTOR_POLICIES.map((p) => p.name);

/** Base rules first, then actions: the order of `policy list` and the sample file. */
export const DEFAULT_POLICIES: readonly PolicyDefault[] = [...BASE_RULES, ...PROTECTOR_POLICIES];
