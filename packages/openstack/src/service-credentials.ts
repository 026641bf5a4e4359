import type { Credentials, Scope } from './keystone-types.js';

/** A service user's password credentials as a registered site stores them (DESIGN §4). */
export interface StoredCredentials {
  username: string;
  password: string;
  user_domain_name: string;
  project_name: string;
  project_domain_name: string;
}

/**
 * Keystone password credentials for a stored service user, scoped to its own project, or to
 * `scope` (a trust, when acting as a tenant).
 */
export function serviceCredentials(c: StoredCredentials, scope?: Scope): Credentials {
  return {
    type: 'password',
    username: c.username,
    password: c.password,
    userDomainName: c.user_domain_name,
    scope: scope ?? { projectName: c.project_name, projectDomainName: c.project_domain_name },
  };
}
