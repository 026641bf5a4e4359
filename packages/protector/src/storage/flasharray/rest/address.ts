/** The management address of an array: 'https://host[:port]' or 'host[:port]', HTTPS only. */
import { StorageError } from '../../errors.js';

export interface ArrayAddress {
  /** Host name or IP address as Node's https.request takes it (IPv6 without brackets). */
  host: string;
  port: number;
  /** 'https://host[:port]', for messages. */
  origin: string;
}

const invalid = (array: string, why: string): StorageError =>
  new StorageError('invalid', `array '${array}': the management address ${why}`);

/**
 * Parses and checks a management address. http:// (or any scheme but https) is refused: arrays
 * serve REST over HTTPS only, and the API token must not cross the network in clear. A path,
 * query or user info is refused too (the address names the array, nothing more); the message
 * then does not repeat the address, which may carry a password.
 */
export function parseAddress(array: string, url: string): ArrayAddress {
  const raw = url.trim();
  if (raw === '') throw invalid(array, 'is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'https') {
    throw invalid(array, `'${raw}' uses ${scheme}://; FlashArrays serve their REST API over HTTPS only (give https://host[:port] or host[:port])`);
  }
  let u: URL;
  try {
    u = new URL(scheme !== undefined ? raw : `https://${raw}`);
  } catch {
    throw invalid(array, 'is not a host[:port] or https://host[:port]');
  }
  if (u.username !== '' || u.password !== '') throw invalid(array, 'must not carry a user name or password (the API token authenticates)');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '') {
    throw invalid(array, `'${u.origin}${u.pathname}' has a path or query; give only https://host[:port]`);
  }
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host, port: u.port === '' ? 443 : Number(u.port), origin: u.origin };
}
