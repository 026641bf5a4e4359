/**
 * Read-only documents shared by every reader of a collection, and the copies writers take.
 * A document comes from JSON.parse, so it is plain data: objects, arrays, strings, numbers,
 * booleans and null.
 */

/** A document as the collection shares it: no property, at any depth, may be changed. */
export type Frozen<T> = T extends (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** Freezes a parsed document and everything in it, so a reader that writes to it fails at once. */
export function deepFreeze<T>(value: T): Frozen<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as Frozen<T>;
}

/** A mutable copy of a parsed document (faster than JSON.parse of its text, same result). */
export function thaw<T>(value: Frozen<T>): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[k]);
    // A user's metadata key may be "__proto__": JSON.parse makes it an own property, and so must the copy.
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}
