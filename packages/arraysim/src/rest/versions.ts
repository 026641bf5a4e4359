/**
 * REST versions this face answers to (`GET /api/api_version`). The default list is what a
 * Purity//FA 6.7 array advertises (2.0 … 2.36); the shapes served are those of 2.20 whatever the
 * version asked, and clients pick the newest version they know. Paths under a version the face
 * does not advertise answer 404, as on the array.
 */
export const LATEST_VERSION = '2.20';
export const API_VERSIONS: readonly string[] = Array.from({ length: 37 }, (_, i) => `2.${i}`);

/** Checks a configured version list: `2.<n>` entries, at least one. */
export function checkVersions(versions: readonly string[]): readonly string[] {
  if (versions.length === 0 || versions.some((v) => !/^2\.\d{1,3}$/.test(v))) {
    throw new Error(`versions must be a non-empty list of 2.x versions, got ${JSON.stringify(versions)}`);
  }
  return versions;
}
