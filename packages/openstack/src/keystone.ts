import type { AuthContext, Project, TokenDocument, Trust, User } from './keystone-types.js';
import { authContextOf } from './keystone-types.js';
import { ServiceApi, ServiceClient, seg } from './service-api.js';
import type { KeystoneSession } from './session.js';

export interface CreateTrustRequest {
  trustorUserId: string;
  trusteeUserId: string;
  projectId: string;
  /** Role names the trustee may use, e.g. ['member']. */
  roles: readonly string[];
  /** True: tokens from the trust act as the trustor (what Protector needs to manage their VMs). */
  impersonation: boolean;
  expiresAt?: Date;
  remainingUses?: number;
}

/** Keystone v3 calls Protector makes with a session's token: validation, trusts, users. */
export class KeystoneClient extends ServiceClient {
  constructor(readonly session: KeystoneSession) {
    super(new ServiceApi(session, { service: 'keystone', catalogTypes: ['identity'], baseUrl: session.authUrl }));
  }

  /**
   * Validates someone else's token with this session's token (GET /v3/auth/tokens with
   * X-Subject-Token), as keystonemiddleware does. Unknown, expired or revoked → undefined.
   */
  async validateToken(subjectToken: string): Promise<AuthContext | undefined> {
    const res = await this.api.request<TokenDocument>('GET', '/auth/tokens', { query: { nocatalog: '' }, subjectToken, accept: [404] });
    return res.status === 404 ? undefined : authContextOf(res.body.token);
  }

  async revokeToken(subjectToken: string): Promise<void> {
    await this.api.request('DELETE', '/auth/tokens', { subjectToken });
  }

  /** The user this session authenticates as (the service user, for Protector's own session). */
  async currentUserId(): Promise<string> {
    return (await this.session.auth()).userId;
  }

  /** Must be called with the trustor's own token (a session built from it). */
  async createTrust(req: CreateTrustRequest): Promise<Trust> {
    const body = {
      trust: {
        trustor_user_id: req.trustorUserId,
        trustee_user_id: req.trusteeUserId,
        project_id: req.projectId,
        impersonation: req.impersonation,
        roles: req.roles.map((name) => ({ name })),
        expires_at: req.expiresAt ? req.expiresAt.toISOString() : null,
        remaining_uses: req.remainingUses ?? null,
      },
    };
    return (await this.api.post<{ trust: Trust }>('/OS-TRUST/trusts', body)).trust;
  }

  async getTrust(id: string): Promise<Trust> {
    return (await this.api.get<{ trust: Trust }>(`/OS-TRUST/trusts/${seg(id)}`)).trust;
  }

  async listTrusts(filter: { trustorUserId?: string; trusteeUserId?: string } = {}): Promise<Trust[]> {
    const query = { trustor_user_id: filter.trustorUserId, trustee_user_id: filter.trusteeUserId };
    return (await this.api.get<{ trusts: Trust[] }>('/OS-TRUST/trusts', query)).trusts;
  }

  async deleteTrust(id: string): Promise<void> {
    await this.api.delete(`/OS-TRUST/trusts/${seg(id)}`);
  }

  async getUser(id: string): Promise<User> {
    return (await this.api.get<{ user: User }>(`/users/${seg(id)}`)).user;
  }

  /** A user by name in a domain (default: Default), e.g. to find the service user's id. */
  async findUser(name: string, domainId = 'default'): Promise<User | undefined> {
    return (await this.api.get<{ users: User[] }>('/users', { name, domain_id: domainId })).users[0];
  }

  async getProject(id: string): Promise<Project> {
    return (await this.api.get<{ project: Project }>(`/projects/${seg(id)}`)).project;
  }

  async findProject(name: string, domainId = 'default'): Promise<Project | undefined> {
    return (await this.api.get<{ projects: Project[] }>('/projects', { name, domain_id: domainId })).projects[0];
  }

  // --- what an operator does when installing a service (admin): its user, role, catalog entry ---

  async createUser(req: { name: string; password: string; domainId?: string; defaultProjectId?: string }): Promise<User> {
    const user = { name: req.name, password: req.password, domain_id: req.domainId ?? 'default', ...(req.defaultProjectId ? { default_project_id: req.defaultProjectId } : {}) };
    return (await this.api.post<{ user: User }>('/users', { user })).user;
  }

  async findRole(name: string): Promise<{ id: string; name: string } | undefined> {
    return (await this.api.get<{ roles: { id: string; name: string }[] }>('/roles', { name })).roles[0];
  }

  /** Grants a role on a project (PUT, so granting twice is harmless). */
  async grantProjectRole(projectId: string, userId: string, roleId: string): Promise<void> {
    await this.api.request('PUT', `/projects/${seg(projectId)}/users/${seg(userId)}/roles/${seg(roleId)}`);
  }

  async listServices(type?: string): Promise<CatalogService[]> {
    return (await this.api.get<{ services: CatalogService[] }>('/services', type ? { type } : undefined)).services;
  }

  async createService(req: { type: string; name: string; description?: string }): Promise<CatalogService> {
    return (await this.api.post<{ service: CatalogService }>('/services', { service: { ...req, enabled: true } })).service;
  }

  async listEndpoints(serviceId?: string): Promise<CatalogEndpoint[]> {
    return (await this.api.get<{ endpoints: CatalogEndpoint[] }>('/endpoints', serviceId ? { service_id: serviceId } : undefined)).endpoints;
  }

  async createEndpoint(req: { serviceId: string; interface: 'public' | 'internal' | 'admin'; url: string; region?: string }): Promise<CatalogEndpoint> {
    const endpoint = { service_id: req.serviceId, interface: req.interface, url: req.url, ...(req.region ? { region_id: req.region } : {}), enabled: true };
    return (await this.api.post<{ endpoint: CatalogEndpoint }>('/endpoints', { endpoint })).endpoint;
  }
}

export interface CatalogService {
  id: string;
  type: string;
  name: string;
  enabled: boolean;
}

export interface CatalogEndpoint {
  id: string;
  service_id: string;
  interface: 'public' | 'internal' | 'admin';
  url: string;
  region_id?: string | null;
}
