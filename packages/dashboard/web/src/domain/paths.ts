// Where the pages and the API are, by what they show: every link and call builds its path here.
const enc = encodeURIComponent;

/** An operation's page: operations are per site (each site's engine numbers its own). */
export const operationPath = (site: string, id: string): string => `/operations/${enc(site)}/${enc(id)}`;

/** A protection group's page (id or name), or one of its sub-pages (`/dr`, `/edit`). */
export const pgPath = (pg: string, suffix = ''): string => `/protection-groups/${enc(pg)}${suffix}`;

/** The API of a protection group (id or name), or of one of its parts. */
export const pgApi = (pg: string, suffix = ''): string => `/api${pgPath(pg, suffix)}`;

/** The API of an operation on `site`, or of an action on it (`/cancel`, `/cleanup`). */
export const operationApi = (site: string, id: string, suffix = ''): string => `/api${operationPath(site, id)}${suffix}`;

/** A site registration or tenant mapping as `site`'s Protector stores it. */
export const adminApi = (what: 'sites' | 'tenant-mappings', site: string, id: string): string => `/api/admin/${what}/${enc(site)}/${enc(id)}`;
