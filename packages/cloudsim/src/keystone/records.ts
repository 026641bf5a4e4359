/** Keystone's stored records, shaped as the v3 API shows them (minus secrets). */
export interface DomainRecord {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  tags: string[];
}

export interface ProjectRecord {
  id: string;
  name: string;
  domain_id: string;
  parent_id: string;
  description: string;
  enabled: boolean;
  is_domain: boolean;
  tags: string[];
}

export interface UserRecord {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  /** scrypt hash "salt:hash", never shown. */
  password_hash: string;
  default_project_id?: string;
  email?: string;
  description?: string;
  password_expires_at: string | null;
}

export interface RoleRecord {
  id: string;
  name: string;
  domain_id: string | null;
  description: string;
}

/** A role given to a user on exactly one of a project or a domain. */
export interface AssignmentRecord {
  id: string;
  role_id: string;
  user_id: string;
  project_id?: string;
  domain_id?: string;
}

export interface ServiceRecord {
  id: string;
  type: string;
  name: string;
  description: string;
  enabled: boolean;
}

export interface EndpointRecord {
  id: string;
  service_id: string;
  interface: 'public' | 'internal' | 'admin';
  region_id: string;
  url: string;
  enabled: boolean;
}

export interface TrustRecord {
  id: string;
  trustor_user_id: string;
  trustee_user_id: string;
  /** null for a trust that delegates no project roles. */
  project_id: string | null;
  impersonation: boolean;
  role_ids: string[];
  expires_at: string | null;
  remaining_uses: number | null;
  allow_redelegation: boolean;
  redelegation_count: number;
  deleted: boolean;
}

export interface ApplicationCredentialRecord {
  id: string;
  name: string;
  user_id: string;
  project_id: string;
  /** scrypt hash of the secret, shown once at creation. */
  secret_hash: string;
  description: string;
  expires_at: string | null;
  unrestricted: boolean;
  role_ids: string[];
}

/** An issued token; the id is the token string itself. */
export interface TokenRecord {
  id: string;
  user_id: string;
  methods: string[];
  project_id?: string;
  domain_id?: string;
  role_ids: string[];
  issued_at: number;
  expires_at: number;
  audit_ids: string[];
  trust_id?: string;
  application_credential_id?: string;
  revoked: boolean;
}

export interface RegionRecord {
  id: string;
  description: string;
  parent_region_id: string | null;
}
