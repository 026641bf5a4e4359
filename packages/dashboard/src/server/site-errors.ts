import {
  DivergedError,
  isProtectorApiError,
  isProtectorUnreachable,
  LookupError,
  MetadataNotStoredError,
  NoRunningSiteError,
  PeerRequiredError,
  PeerUnreachableError,
} from '@protector/protectorclient';
import { HttpError } from './errors.js';

const CODES: Record<number, string> = { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict' };

/**
 * A site's or the Coordinator's refusal as the page's answer: a site's 4xx keeps its status and
 * message (a 409 stays a 409 with the API's reason, prefixed by the site), a cross-site rule that
 * refused is a 409 naming it, a name that matches nothing a 404. Anything else stays as it is (the
 * app's handler makes it a 502).
 */
export function httpErrorOf(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  if (isProtectorApiError(err) && CODES[err.status]) return new HttpError(err.status, CODES[err.status]!, `${err.site ?? 'the site'}: ${err.message}`);
  if (isProtectorUnreachable(err)) return new HttpError(503, 'site_unreachable', err.message);
  if (err instanceof PeerUnreachableError) return new HttpError(409, 'peer_unreachable', err.message);
  if (err instanceof PeerRequiredError) return new HttpError(409, 'peer_required', err.message);
  if (err instanceof NoRunningSiteError) return new HttpError(409, 'no_running_site', err.message);
  if (err instanceof DivergedError) return new HttpError(409, 'diverged', err.message);
  if (err instanceof LookupError) return new HttpError(404, 'not_found', err.message);
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

export const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
