import type { KeystoneSession } from '@protector/openstack';
import { ActionsApi } from './actions.js';
import { HealthApi } from './health.js';
import { MembersApi } from './members.js';
import { MetadataApi } from './metadata.js';
import { OperationsApi, type OperationDetail } from './operations.js';
import { PolicyApi } from './policy.js';
import { ProtectionGroupsApi } from './protection-groups.js';
import { RecoveryPlansApi } from './recovery-plans.js';
import { RecoveryPointsApi } from './recovery-points.js';
import { ResourceMappingsApi } from './resource-mappings.js';
import { SitesApi } from './sites.js';
import { TenantMappingsApi } from './tenant-mappings.js';
import { ProtectorTransport, type ProtectorTransportOptions } from './transport.js';
import { VersionsApi } from './versions.js';
import { waitForOperation, type WaitForOperationOptions } from './wait.js';

export interface ProtectorClientOptions extends ProtectorTransportOptions {
  session: KeystoneSession;
}

/**
 * The Protector v1 API of one site. Requests use the session's token and HTTP transport, reach
 * the catalog's `protector` endpoint (or `endpointOverride`) and negotiate the microversion on
 * first use. Failures are ProtectorApiError (the API answered) or ProtectorUnreachableError
 * (it did not); Keystone's own failures stay OpenStackError.
 */
export class ProtectorClient {
  readonly versions: VersionsApi;
  readonly sites: SitesApi;
  readonly tenantMappings: TenantMappingsApi;
  readonly protectionGroups: ProtectionGroupsApi;
  readonly members: MembersApi;
  readonly policy: PolicyApi;
  readonly resourceMappings: ResourceMappingsApi;
  readonly metadata: MetadataApi;
  readonly recoveryPoints: RecoveryPointsApi;
  readonly recoveryPlans: RecoveryPlansApi;
  readonly actions: ActionsApi;
  readonly operations: OperationsApi;
  readonly health: HealthApi;

  constructor(options: ProtectorClientOptions);
  constructor(transport: ProtectorTransport);
  constructor(arg: ProtectorClientOptions | ProtectorTransport) {
    const t = arg instanceof ProtectorTransport ? arg : new ProtectorTransport(arg);
    this.transport = t;
    this.versions = new VersionsApi(t);
    this.sites = new SitesApi(t);
    this.tenantMappings = new TenantMappingsApi(t);
    this.protectionGroups = new ProtectionGroupsApi(t);
    this.members = new MembersApi(t);
    this.policy = new PolicyApi(t);
    this.resourceMappings = new ResourceMappingsApi(t);
    this.metadata = new MetadataApi(t);
    this.recoveryPoints = new RecoveryPointsApi(t);
    this.recoveryPlans = new RecoveryPlansApi(t);
    this.actions = new ActionsApi(t);
    this.operations = new OperationsApi(t);
    this.health = new HealthApi(t);
  }

  readonly transport: ProtectorTransport;

  get session(): KeystoneSession {
    return this.transport.session;
  }

  /** The site name given in the options, for messages. */
  get site(): string | undefined {
    return this.transport.options.site;
  }

  /** Protector's `/v1` URL on this site. */
  async endpoint(): Promise<string> {
    return (await this.transport.endpoint()).base;
  }

  /** The negotiated microversion. */
  apiVersion(): Promise<string> {
    return this.transport.apiVersion();
  }

  /** The project in tenant URLs. */
  projectId(): Promise<string> {
    return this.transport.projectId();
  }

  /** A copy that sends `requestId` as X-OpenStack-Request-ID on every request. */
  withRequestId(requestId: string): ProtectorClient {
    return new ProtectorClient(this.transport.withRequestId(requestId));
  }

  /** Polls the operation until it is finished, reporting each change to `onProgress`. */
  waitForOperation(id: string, opts: WaitForOperationOptions = {}): Promise<OperationDetail> {
    return waitForOperation(this.operations, id, opts);
  }
}
