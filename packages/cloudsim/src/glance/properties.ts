import { ApiError } from '../http/errors.js';
import { isUuid } from '../ids.js';
import { CONTAINER_FORMATS, CORE, DISK_FORMATS, READ_ONLY } from './records.js';

/** Glance names the attribute and the schema it broke, in a 400. */
const invalid = (field: string, reason: string) => new ApiError(400, `Provided object does not match schema 'image': Invalid input for field/attribute ${field}. ${reason}`);

/** The properties a client may set, checked one by one as Glance's image schema does. */
export function checkProperty(name: string, value: unknown): void {
  if ((READ_ONLY as readonly string[]).includes(name)) throw new ApiError(403, `Attribute '${name}' is read-only.`);
  if (name.startsWith('os_glance')) throw new ApiError(403, `Attribute '${name}' is reserved.`);
  const str = (max: number, nullable = false) => {
    if (value === null && nullable) return;
    if (typeof value !== 'string') throw invalid(name, `${JSON.stringify(value)} is not of type 'string'`);
    if (value.length > max) throw invalid(name, `is too long (at most ${max} characters)`);
  };
  switch (name) {
    case 'id':
      str(36);
      if (!isUuid(String(value))) throw invalid(name, `'${String(value)}' does not match a UUID`);
      return;
    case 'name':
    case 'owner':
      return str(255, true);
    case 'visibility':
      if (!['public', 'private', 'shared', 'community'].includes(String(value)) || typeof value !== 'string') {
        throw invalid(name, `${JSON.stringify(value)} is not one of ['community', 'public', 'private', 'shared']`);
      }
      return;
    case 'protected':
    case 'os_hidden':
      if (typeof value !== 'boolean') throw invalid(name, `${JSON.stringify(value)} is not of type 'boolean'`);
      return;
    case 'min_disk':
    case 'min_ram':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31) {
        throw invalid(name, `${JSON.stringify(value)} is not a non-negative integer`);
      }
      return;
    case 'disk_format':
    case 'container_format': {
      const allowed: readonly string[] = name === 'disk_format' ? DISK_FORMATS : CONTAINER_FORMATS;
      if (value !== null && (typeof value !== 'string' || !allowed.includes(value))) {
        throw invalid(name, `${JSON.stringify(value)} is not one of ${JSON.stringify([...allowed, null])}`);
      }
      return;
    }
    case 'tags':
      if (!Array.isArray(value) || value.length > 128 || value.some((t) => typeof t !== 'string' || t.length > 255 || t === '')) {
        throw invalid(name, 'must be a list of at most 128 non-empty strings of at most 255 characters');
      }
      return;
    default:
      if (name.length === 0 || name.length > 255) throw invalid(name, 'property names are 1 to 255 characters');
      // Custom properties are strings in Glance's schema.
      return str(65535);
  }
}

export const isCore = (name: string): boolean => (CORE as readonly string[]).includes(name);
