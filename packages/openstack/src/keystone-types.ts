/** Keystone v3 wire records (what Protector reads) and the credential shapes it accepts. */

export interface NamedRef {
  id: string;
  name: string;
}

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region_id?: string | null;
  region?: string | null;
  url: string;
}

export interface CatalogEntry {
  id?: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** The `token` object of POST/GET /v3/auth/tokens. */
export interface TokenBody {
  methods: string[];
  user: NamedRef & { domain: NamedRef };
  project?: NamedRef & { domain: NamedRef };
  domain?: NamedRef;
  system?: { all?: boolean };
  roles?: NamedRef[];
  catalog?: CatalogEntry[];
  expires_at: string;
  issued_at: string;
  audit_ids?: string[];
  'OS-TRUST:trust'?: { id: string; impersonation: boolean; trustee_user: { id: string }; trustor_user: { id: string } };
  application_credential?: { id: string; name: string; restricted: boolean };
}

export interface TokenDocument {
  token: TokenBody;
}

export interface Trust {
  id: string;
  trustor_user_id: string;
  trustee_user_id: string;
  project_id: string | null;
  impersonation: boolean;
  expires_at: string | null;
  remaining_uses: number | null;
  roles: { id: string; name: string }[];
}

export interface User {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  default_project_id?: string | null;
}

export interface Project {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
}

export interface UserRef {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
}

/** What a token is scoped to; a trust scope makes the token act within the trust. */
export type Scope =
  | { projectId: string }
  | { projectName: string; projectDomainId?: string; projectDomainName?: string }
  | { domainId: string }
  | { domainName: string }
  | { trustId: string }
  | { system: 'all' }
  | 'unscoped';

export type Credentials =
  | ({ type: 'password'; password: string; scope?: Scope } & UserRef)
  | { type: 'application_credential'; id?: string; name?: string; secret: string; user?: UserRef }
  | { type: 'token'; token: string; scope?: Scope };

/** Who a validated token speaks for, as policy checks need it. */
export interface AuthContext {
  userId: string;
  userName: string;
  userDomainId: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  /** Set for domain-scoped tokens. */
  domainId?: string;
  roles: string[];
  /** OpenStack's default admin_api rule: the admin role, whatever the scope. */
  isAdmin: boolean;
  /** Epoch milliseconds. */
  expiresAt: number;
  systemScope?: 'all';
  trustId?: string;
  applicationCredentialId?: string;
}

export function authContextOf(t: TokenBody): AuthContext {
  const roles = (t.roles ?? []).map((r) => r.name);
  return {
    userId: t.user.id,
    userName: t.user.name,
    userDomainId: t.user.domain.id,
    projectId: t.project?.id,
    projectName: t.project?.name,
    projectDomainId: t.project?.domain.id,
    domainId: t.domain?.id,
    roles,
    isAdmin: roles.includes('admin'),
    expiresAt: Date.parse(t.expires_at),
    systemScope: t.system?.all ? 'all' : undefined,
    trustId: t['OS-TRUST:trust']?.id,
    applicationCredentialId: t.application_credential?.id,
  };
}
