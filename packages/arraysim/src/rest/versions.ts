/**
 * REST versions this face answers to (`GET /api/api_version`), ending at the one whose models it
 * follows. Purity//FA 6.5 serves the 2.x line up to about here; clients pick the newest they know.
 */
export const LATEST_VERSION = '2.20';
export const API_VERSIONS: readonly string[] = Array.from({ length: 21 }, (_, i) => `2.${i}`);
