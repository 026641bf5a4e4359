/**
 * Token redaction. Services sometimes echo a token back in an error message (Keystone's
 * "Could not find token: gAAAA…"), so every message that leaves this package goes through here.
 */

// Fernet tokens (gAAAA…), UUID-style hex tokens are left alone unless known: ids look the same.
const FERNET = /gAAAAA[A-Za-z0-9_=-]{20,}/g;

export const REDACTED = '***';

/** Replaces each known secret, and anything shaped like a Fernet token, with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    // Short strings would blank out ordinary words; real tokens and secrets are long.
    if (s && s.length >= 8) out = out.split(s).join(REDACTED);
  }
  return out.replace(FERNET, REDACTED);
}
