/**
 * Every option protector-api, protector-engine and protector-manage read, declared once. The
 * typed config, the loader, `config check`, the sample file and docs/configuration.md all come
 * from this table. Names follow the OpenStack services and libraries operators know them from.
 */
import { hostname } from 'node:os';
import { group, opt, type GroupSpec, type OptionSpec, type ValueOf } from './spec.js';
import { booleanType, enumType, floatType, integerType, listType, multiStringType, portType, stringType, uriType } from './types.js';

// PostgreSQL (DESIGN §3) is not wired to a Kysely dialect yet, so check refuses it rather than fail at start.
export const DATABASE_SCHEMES = ['sqlite', 'mysql', 'mysql+pymysql'] as const;

export const OPTIONS = {
  DEFAULT: group('Options for the service as a whole.', {
    host: opt(stringType(), {
      default: hostname(),
      sample_default: '<current_hostname>',
      help: 'Name of this node, used in engine leases, operation records and log lines. Must be unique among the nodes of a site and valid in a host name.',
    }),
    debug: opt(booleanType(), {
      default: false,
      help: 'If true, log at debug level instead of the default info level.',
    }),
    log_file: opt(stringType(), {
      default: '',
      help: 'Name of the log file to write to. Empty means log to standard error. A relative name is taken relative to log_dir.',
    }),
    log_dir: opt(stringType(), {
      default: '',
      help: 'Directory a relative log_file is placed in, for example /var/log/protector.',
    }),
    transport_url: opt(uriType(['rabbit']), {
      default: '',
      secret: true,
      help: 'Message bus the API uses to wake the engines. Empty means the database bus (an outbox table in [database] connection, needing no other service). A URL of the form rabbit://user:pass@host:5672/vhost selects RabbitMQ.',
    }),
    report_interval: opt(integerType({ min: 1 }), {
      default: 10,
      help: 'Seconds between the heartbeats each protector-engine and protector-api process writes to the database (protector-manage service list). Must be less than service_down_time.',
    }),
    service_down_time: opt(integerType({ min: 1 }), {
      default: 60,
      help: 'A service whose last heartbeat is older than this many seconds is listed as down by protector-manage service list.',
    }),
    secret_key: opt(stringType(), {
      default: '',
      secret: true,
      required: 'production',
      help: 'Key used to encrypt stored credentials (array API tokens) at rest. Keep it the same on every node of a site, and do not change it while credentials are stored with it.',
    }),
  }),

  api: group('protector-api: the REST API server.', {
    bind_host: opt(stringType(), {
      default: '127.0.0.1',
      help: 'Address protector-api listens on. Use 0.0.0.0 to listen on every address.',
    }),
    bind_port: opt(portType(), {
      default: 8788,
      help: 'Port protector-api listens on.',
    }),
    public_endpoint: opt(stringType(), {
      default: '',
      help: 'Public URL of this API, used in version discovery links when the service sits behind a proxy. Empty means use the request URL.',
    }),
    max_limit: opt(integerType({ min: 1 }), {
      default: 1000,
      help: 'Largest number of items a list request returns in one page, whatever limit the caller asks for.',
    }),
    default_limit: opt(integerType({ min: 1 }), {
      default: 100,
      help: 'Number of items a list request returns when the caller gives no limit. At most max_limit.',
    }),
  }),

  database: group('The database holding sites, protection groups and operations.', {
    connection: opt(uriType(DATABASE_SCHEMES), {
      default: 'sqlite:////var/lib/protector/protector.db',
      secret: true,
      deprecated_names: [{ group: 'DEFAULT', name: 'sql_connection' }],
      help: 'SQLAlchemy-style URL of the database: sqlite:////absolute/path.db for the embedded database, mysql+pymysql://user:password@host:3306/protector (or mysql://) for MariaDB/MySQL.',
    }),
    max_pool_size: opt(integerType({ min: 1 }), {
      default: 5,
      help: 'Largest number of open connections kept in the pool (MySQL and PostgreSQL).',
    }),
    connection_recycle_time: opt(integerType({ min: 1 }), {
      default: 3600,
      help: 'Connections idle for longer than this many seconds are replaced, so the database server never closes one under the service.',
    }),
    max_retries: opt(integerType({ min: -1 }), {
      default: 10,
      help: 'Attempts to open the database at startup before giving up; -1 retries forever.',
    }),
    retry_interval: opt(integerType({ min: 1 }), {
      default: 10,
      help: 'Seconds between attempts to open the database at startup.',
    }),
    db_max_retries: opt(integerType({ min: -1 }), {
      default: 20,
      help: 'Times protector-engine retries writing an operation record (a step started or finished, the outcome) while the database is unreachable, before it leaves the operation for the next scan to resume; -1 retries until the database is back.',
    }),
    db_retry_interval: opt(integerType({ min: 1 }), {
      default: 1,
      help: 'Seconds before the first such retry; the wait doubles with each retry up to db_max_retry_interval.',
    }),
    db_max_retry_interval: opt(integerType({ min: 1 }), {
      default: 10,
      help: 'Longest wait, in seconds, between retries of a write while the database is unreachable.',
    }),
  }),

  keystone_authtoken: group('Keystone token validation, as keystonemiddleware auth_token configures it.', {
    www_authenticate_uri: opt(stringType(), {
      default: '',
      deprecated_names: [{ name: 'auth_uri' }],
      help: 'Public Identity API endpoint unauthenticated clients are sent to in the WWW-Authenticate header, for example http://controller:5000.',
    }),
    auth_url: opt(stringType(), {
      default: '',
      help: 'Identity API endpoint the service user authenticates against to validate tokens, for example http://controller:5000/v3.',
    }),
    auth_type: opt(enumType(['password']), {
      default: 'password',
      help: 'Authentication plugin of the service user.',
    }),
    username: opt(stringType(), { default: '', help: 'Service user name, usually protector.' }),
    password: opt(stringType(), { default: '', secret: true, help: "Service user's password." }),
    project_name: opt(stringType(), { default: '', help: "Service user's project, usually service." }),
    user_domain_name: opt(stringType(), { default: 'Default', help: "Domain of the service user." }),
    project_domain_name: opt(stringType(), { default: 'Default', help: "Domain of the service user's project." }),
    region_name: opt(stringType(), {
      default: '',
      help: 'Region of the Identity service endpoint to use. Empty means any region.',
    }),
    interface: opt(enumType(['public', 'internal', 'admin']), {
      default: 'internal',
      help: 'Interface of the Identity API endpoint to use (keystonemiddleware defaults to internal).',
    }),
    token_cache_time: opt(integerType({ min: -1 }), {
      default: 300,
      help: 'Seconds a validated token is reused by read requests (GET, HEAD) before it is validated again (never past its expiry), so a revoked token may still read for this long. Requests that change something (POST, PUT, PATCH, DELETE) always validate the token with Keystone. -1 disables the cache.',
    }),
    service_token_roles: opt(listType(), {
      default: ['service'],
      help: 'Roles a service token must carry (any one of them) to be accepted.',
    }),
    cafile: opt(stringType(), {
      default: '',
      help: 'PEM file of certificate authorities used to verify HTTPS connections to Keystone. Empty means the system CAs.',
    }),
    insecure: opt(booleanType(), {
      default: false,
      help: 'If true, do not verify the certificate of an HTTPS Keystone. For labs only.',
    }),
  }),

  oslo_policy: group('Policy enforcement, as oslo.policy configures it.', {
    policy_file: opt(stringType(), {
      default: 'policy.yaml',
      help: 'YAML file of policy rules overriding the defaults in code. A relative name is looked up in the directories of the configuration files, as oslo.policy does.',
    }),
    policy_dirs: opt(multiStringType(), {
      default: ['policy.d'],
      help: 'Directories of further policy YAML files, applied after policy_file in name order. Relative names are looked up like policy_file; missing directories are ignored. Repeat the option for several directories.',
    }),
    policy_default_rule: opt(stringType(), {
      default: 'default',
      help: 'Rule applied when a requested rule is not found.',
    }),
    enforce_scope: opt(booleanType(), {
      default: false,
      help: 'If true, reject a request whose token scope (system, domain or project) does not match the scope the rule allows, instead of only logging it.',
    }),
    enforce_new_defaults: opt(booleanType(), {
      default: false,
      help: 'If true, use the new secure-by-default rules only, without the deprecated rules they replaced.',
    }),
  }),

  storage: group('The storage driver that talks to the FlashArrays.', {
    driver: opt(enumType(['mock', 'pure']), {
      default: 'mock',
      help: 'Storage driver: mock (the simulated FlashArray pair in SQLite, for labs and CI) or pure (FlashArray REST 2.x).',
    }),
    mock_storage_path: opt(stringType(), {
      default: '/var/lib/protector/mock_storage/arrays.db',
      help: 'SQLite file of the simulated arrays (mock driver). Both sites and cloudsim Cinder must use the same file to see the same volumes. The arrays used are the ones named in the registration of the local site and of its peer.',
    }),
    pure_verify_ssl: opt(booleanType(), {
      default: true,
      help: 'If true, verify the FlashArray management certificate (pure driver). False accepts any certificate and logs a warning: for labs only.',
    }),
    pure_ca_file: opt(stringType(), {
      default: '',
      help: "PEM file of the CA (or the arrays' own self-signed certificates) that signed the FlashArray management certificates (pure driver). Empty: the system's trusted CAs.",
    }),
    pure_api_version: opt(stringType({ pattern: /^2\.\d+$/, patternHelp: 'must be a REST 2.x version such as 2.20' }), {
      default: '2.20',
      help: 'Highest FlashArray REST version to use (pure driver). The driver uses the highest version both it and the array offer, up to this one, and refuses an array that offers none it supports.',
    }),
    request_timeout: opt(floatType({ min: 0.1 }), {
      default: 30,
      help: 'Seconds to wait for one array REST call before failing it.',
    }),
    transfer_poll_interval: opt(floatType({ min: 0.05 }), {
      default: 0.2,
      help: 'Seconds between reads of a replication transfer a workflow waits for: its completion is seen at most this long after it ends.',
    }),
  }),

  engine: group('protector-engine: the operation runner.', {
    dr_concurrency: opt(integerType({ min: 1 }), {
      default: 32,
      help: 'DR operations (failover, failback, test_failover, test_cleanup and the cleanup after a failover) one engine runs at once. They have slots of their own, so lifecycle work never delays a failover. Operations of the same protection group never run at the same time.',
    }),
    lifecycle_concurrency: opt(integerType({ min: 1 }), {
      default: 8,
      deprecated_names: [{ name: 'concurrency' }, { name: 'workers' }],
      help: 'Lifecycle operations (protection group create and delete, member add and remove, replicate now) one engine runs at once, beside its dr_concurrency DR operations. More wait their turn; the time they wait is reported as queued_seconds.',
    }),
    lease_seconds: opt(integerType({ min: 1 }), {
      default: 30,
      help: 'An engine holds an operation for this many seconds per heartbeat; another engine may take over the operation when the lease expires.',
    }),
    heartbeat_seconds: opt(integerType({ min: 1 }), {
      default: 10,
      help: 'Seconds between lease renewals. Must be less than lease_seconds.',
    }),
    poll_interval: opt(floatType({ min: 0.01 }), {
      default: 1,
      help: 'Seconds between polls of the bus for new operations and between checks of long-running steps.',
    }),
    step_timeout: opt(integerType({ min: 1 }), {
      default: 600,
      help: 'Seconds a single workflow step may run before it fails.',
    }),
    fence_interval: opt(integerType({ min: 1 }), {
      default: 30,
      help: 'Seconds between checks for sites that answer again: fenced copies on the old primary of each protection group this site runs are stopped if found running, then rollbacks a lost site interrupted are resumed.',
    }),
    dead_link_grace: opt(integerType({ min: 1 }), {
      default: 30,
      help: 'Seconds a replication transfer a workflow waits for may see its link or an array down before the step fails (a planned failover then rolls back), instead of waiting out step_timeout.',
    }),
    server_boot_timeout: opt(integerType({ min: 1 }), {
      default: 600,
      help: 'Seconds to wait for a recovered server to become ACTIVE during failover, failback and drills.',
    }),
    replication_poll_interval: opt(integerType({ min: 1 }), {
      default: 30,
      help: "Seconds between background refreshes of every protection group's replication state (link, newest recovery point, lag, transfers in flight), read in a few calls per array for all groups and recorded in the database. Health is answered from that record and reports its age; a record older than three intervals is reported stale. With several engines per site one of them refreshes per interval. Between refreshes, groups not read yet, whose replication was just reversed or with a transfer in flight are read every 5 seconds.",
    }),
  }),

  concurrency: group('What one protector-engine asks of each site at once, shared by all the operations it runs: a failover of many protection groups queues here rather than flooding the target cloud. Per engine: with N engines a site sees up to N times these.', {
    nova: opt(integerType({ min: 1 }), {
      default: 50,
      help: 'Servers being created (each counted until it is ACTIVE) or deleted at once.',
    }),
    cinder: opt(integerType({ min: 1 }), {
      default: 50,
      help: 'Volumes being managed into Cinder (each counted until it is available) or deleted at once.',
    }),
    neutron: opt(integerType({ min: 1 }), {
      default: 50,
      help: 'Ports being created or deleted at once.',
    }),
    array: opt(integerType({ min: 1 }), {
      default: 16,
      help: 'Array calls that restore volumes from a recovery point at once, per array.',
    }),
  }),

  metrics: group('Prometheus metrics.', {
    enabled: opt(booleanType(), {
      default: true,
      help: 'If true, protector-api serves Prometheus metrics at /metrics.',
    }),
  }),
} as const;

type Options = typeof OPTIONS;
export type GroupName = keyof Options;

/** The loaded configuration: one read-only object per group, every option present and typed. */
export type ProtectorConfig = {
  readonly [G in GroupName]: { readonly [K in keyof Options[G]['options']]: ValueOf<Options[G]['options'][K]> };
} & {
  /** Every file read, in the order read (later ones override earlier ones). */
  readonly config_file: readonly string[];
  /** The --config-dir directories given. */
  readonly config_dir: readonly string[];
};

export interface RegisteredOption {
  readonly group: string;
  readonly name: string;
  readonly spec: OptionSpec<unknown>;
}

/** The registry flattened, in declaration order. */
export function allOptions(): RegisteredOption[] {
  const out: RegisteredOption[] = [];
  for (const [g, spec] of Object.entries(OPTIONS) as [string, GroupSpec<Record<string, OptionSpec<unknown>>>][]) {
    for (const [name, o] of Object.entries(spec.options)) out.push({ group: g, name, spec: o });
  }
  return out;
}

export function groupHelp(g: string): string {
  return (OPTIONS as Record<string, GroupSpec<Record<string, OptionSpec<unknown>>>>)[g]?.help ?? '';
}

export function findOption(g: string, name: string): RegisteredOption | undefined {
  return allOptions().find((o) => o.group === g && o.name === name);
}

/**
 * Sections of libraries operators copy from other services' configs. Protector does not read
 * them, so `config check` warns instead of failing.
 */
export const LIBRARY_SECTIONS: readonly string[] = [
  'cache', 'cors', 'healthcheck', 'oslo_concurrency', 'oslo_messaging_amqp', 'oslo_messaging_kafka',
  'oslo_messaging_notifications', 'oslo_messaging_rabbit', 'oslo_middleware', 'oslo_reports',
  'oslo_versionedobjects', 'profiler', 'service_user', 'ssl',
];

/** [DEFAULT] options of oslo.log, oslo.service and oslo.messaging that Protector ignores. */
export const LIBRARY_DEFAULT_OPTIONS: readonly string[] = [
  'control_exchange', 'default_log_levels', 'fatal_deprecations', 'instance_format', 'instance_uuid_format',
  'log_config_append', 'log_date_format', 'log_rotate_interval', 'log_rotate_interval_type', 'log_rotation_type',
  'logging_context_format_string', 'logging_debug_format_suffix', 'logging_default_format_string',
  'logging_exception_prefix', 'logging_user_identity_format', 'max_logfile_count', 'max_logfile_size_mb',
  'publish_errors', 'rate_limit_burst', 'rate_limit_except_level', 'rate_limit_interval', 'rpc_response_timeout',
  'state_path', 'syslog_log_facility', 'use_eventlog', 'use_journal', 'use_json', 'use_stderr', 'use_syslog',
  'verbose', 'watch_log_file',
];
