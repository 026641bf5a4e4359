/** Who is calling: the result of validating an X-Auth-Token, whichever Keystone issued it. */
export interface AuthContext {
  token: string;
  userId: string;
  userName: string;
  userDomainId: string;
  /** Set for project-scoped tokens. */
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  /** Set for domain-scoped tokens. */
  domainId?: string;
  roles: string[];
  expiresAt: number;
  trustId?: string;
  /** OpenStack's default admin_api rule: the admin role, whatever the scope. */
  isAdmin: boolean;
}

/** Turns a token into an AuthContext, or undefined when it is unknown, expired or revoked. */
export interface TokenValidator {
  validate(token: string): Promise<AuthContext | undefined>;
}
