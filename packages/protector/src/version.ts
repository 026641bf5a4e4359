/** The service's release, reported by `--version` and the API's version discovery. */
export const VERSION = '0.1.0';
