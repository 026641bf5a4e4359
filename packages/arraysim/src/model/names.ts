import { invalid } from './errors.js';

// FlashArray object names: letters, digits and '-', starting with a letter or digit, up to 63 chars.
// Keeping '.' and ':' out of names is what makes `<pg>.<suffix>.<vol>` and `<array>:<pg>` unambiguous.
const NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;

export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw invalid(field, `'${String(value)}' is not a valid name (letters, digits and '-', 1-63 characters)`);
  }
  return value;
}

/** The separator between a pod and the volume or protection group inside it: `<pod>::<name>`. */
export const POD_SEP = '::';

/** A volume name, optionally inside a pod (`<pod>::<volume>`). */
export function checkVolumeName(field: string, value: unknown): string {
  if (typeof value === 'string' && value.includes(POD_SEP)) {
    const [pod, vol, ...rest] = value.split(POD_SEP);
    if (rest.length === 0 && NAME.test(pod ?? '') && NAME.test(vol ?? '')) return value;
    throw invalid(field, `'${value}' is not a valid name (<pod>::<volume>, each letters, digits and '-', 1-63 characters)`);
  }
  return checkName(field, value);
}

/** The pod a volume name is in, or null. */
export const podOf = (name: string): string | null => {
  const i = name.indexOf(POD_SEP);
  return i < 0 ? null : name.slice(0, i);
};

export function checkInt(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Volume sizes: positive multiples of 512 bytes, as the array requires. */
export function checkSize(field: string, value: unknown): number {
  const n = checkInt(field, value, 512, 4 * 2 ** 50);
  if (n % 512 !== 0) throw invalid(field, `${n} is not a multiple of 512 bytes`);
  return n;
}
