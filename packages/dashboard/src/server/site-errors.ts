import {
  apiNotFound,
  DivergedError,
  isProtectorApiError,
  isProtectorUnreachable,
  LookupError,
  MetadataNotStoredError,
  NoRunningSiteError,
  PeerRequiredError,
  PeerUnreachableError,
  RemoteProjectError,
} from '@protector/protectorclient';
import { HttpError } from './errors.js';

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'login_required', 403: 'forbidden', 404: 'not_found', 409: 'conflict' };

/** The site's 400 ("Invalid input for field/attribute policy.rpo_minutes. …") as the pages' `'field': reason`. */
function fieldMessage(message: string): string {
  const m = /^Invalid input for field\/attribute (\S+?)\.\s+(.*)$/s.exec(message);
  if (!m) return message;
  const strip = (x: string) => x.replace(/\b(policy|member)\./g, '');
  return `'${strip(m[1]!)}': ${strip(m[2]!)}`;
}

export const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * A site's or the Coordinator's refusal as the pages' answer (the app's error handler applies it
 * to every route): a site's 4xx keeps its status and message (a 403 stays a 403: policy refused
 * it), prefixed by the site; a site that does not answer is a 503; a cross-site rule that refused
 * is a 409 naming it; a name that matches nothing a 404. Anything else stays as it is (the
 * handler makes it a 502).
 */
export function httpErrorOf(err: unknown, site?: string): unknown {
  if (err instanceof HttpError) return err;
  if (isProtectorApiError(err) && err.status === 400) return new HttpError(400, 'bad_request', fieldMessage(err.message));
  if (isProtectorApiError(err) && CODES[err.status]) return new HttpError(err.status, CODES[err.status]!, `${err.site ?? site ?? 'the site'}: ${err.message}`);
  if (isProtectorApiError(err) && err.status === 503) return new HttpError(503, 'site_unavailable', `${err.site ?? site ?? 'the site'}: ${err.message}`);
  if (isProtectorUnreachable(err)) return new HttpError(503, 'site_unreachable', err.message);
  if (err instanceof PeerUnreachableError) return new HttpError(409, 'peer_unreachable', err.message);
  if (err instanceof PeerRequiredError) return new HttpError(409, 'peer_required', err.message);
  if (err instanceof NoRunningSiteError) return new HttpError(409, 'no_running_site', err.message);
  if (err instanceof DivergedError) {
    return new HttpError(409, 'diverged', `protection group ${err.pgId} diverged: ${err.versions.map((v) => `${v.site} holds version ${v.version} (${v.syncState})`).join(', ')}; choose the site whose copy wins ('source_site')`);
  }
  if (err instanceof LookupError) return new HttpError(404, 'not_found', err.message);
  if (err instanceof RemoteProjectError) return new HttpError(400, 'bad_request', `'${err.reason === 'no_such_project' ? 'remote_project_id' : 'remote_site'}': ${err.message}`);
  // The change was made; only its copy on the peer is missing (the message says what to run).
  if (err instanceof MetadataNotStoredError) return new HttpError(502, 'metadata_not_stored', err.message);
  return err;
}

/** Runs a route's work with its refusals answered as above. */
export async function answered<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw httpErrorOf(err);
  }
}

/** A failure of a call to `site` as an answer: its refusal as above, anything else a 502 naming the site. */
export function siteError(err: unknown, site: string): HttpError {
  const e = httpErrorOf(err, site);
  return e instanceof HttpError ? e : new HttpError(502, 'site_error', `${site}: ${why(e)}`);
}

/** Runs a call to `site`, its failure answered as siteError says. */
export async function onSite<T>(site: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw siteError(err, site);
  }
}

/** For a read's `.catch`: not there (a 404) is null; any other failure stays one. */
export function noneIfNotFound(err: unknown): null {
  if (apiNotFound(err)) return null;
  throw err;
}
