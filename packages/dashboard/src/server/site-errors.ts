import { LookupError, PeerRequiredError, PeerUnreachableError, ProtectorApiError, ProtectorUnreachableError, RemoteProjectError } from '@protector/protectorclient';
import { HttpError } from './errors.js';
import { why } from './pair.js';

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'login_required', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 503: 'site_unavailable' };

/**
 * A site's failure as the pages' error shape, keeping what the protector API said: its 403 stays
 * a 403 (policy refused it), a 404 or 409 likewise; a site that did not answer is a 502.
 */
export function siteError(err: unknown, site: string): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ProtectorApiError) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 502;
    return new HttpError(status, CODES[err.status] ?? 'site_error', `${site}: ${err.message}`);
  }
  if (err instanceof ProtectorUnreachableError) return new HttpError(502, 'site_unreachable', err.message);
  if (err instanceof PeerUnreachableError || err instanceof PeerRequiredError) return new HttpError(409, 'peer_unreachable', err.message);
  if (err instanceof LookupError) return new HttpError(404, 'not_found', err.message);
  if (err instanceof RemoteProjectError) return new HttpError(400, 'bad_request', `'${err.reason === 'no_such_project' ? 'remote_project_id' : 'remote_site'}': ${err.message}`);
  return new HttpError(502, 'site_error', `${site}: ${why(err)}`);
}

/** Runs a call to `site`, its failure turned into the pages' error shape. */
export async function onSite<T>(site: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw siteError(err, site);
  }
}
