import { readFileSync } from 'node:fs';
import { compareVersions, MIN_REST_VERSION } from '../storage/flasharray/rest/versions.js';
import type { ProtectorConfig } from './options.js';
import type { Problem } from './problems.js';

type At = (group: string, name: string) => Omit<Problem, 'severity' | 'message'>;

/**
 * `[storage] driver = pure`: what it needs to reach real arrays safely. The arrays' addresses
 * and API tokens are not here: they are part of each site's registration (`protector site
 * register --array-url --array-api-token`), sealed in the database.
 */
export function storageChecks(cfg: ProtectorConfig, at: At, isSet: (group: string, name: string) => boolean): Problem[] {
  const s = cfg.storage;
  if (s.driver !== 'pure') return [];
  const out: Problem[] = [];
  if (!s.pure_verify_ssl) {
    out.push({
      ...at('storage', 'pure_verify_ssl'),
      severity: 'warning',
      message: "the arrays' certificates are not verified: whoever answers at an array's address receives its API token; set pure_ca_file instead (labs only)",
    });
  } else if (s.pure_ca_file === '') {
    out.push({
      ...at('storage', 'pure_ca_file'),
      severity: 'warning',
      message:
        "not set: the arrays' management certificates must then be signed by a CA this host trusts (FlashArrays ship self-signed ones: export each array's certificate or your CA to a PEM file and name it here)",
    });
  }
  if (s.pure_ca_file !== '') {
    const problem = caFileProblem(s.pure_ca_file);
    if (problem) out.push({ ...at('storage', 'pure_ca_file'), severity: 'error', message: problem });
  }
  if (compareVersions(s.pure_api_version, MIN_REST_VERSION) < 0) {
    out.push({
      ...at('storage', 'pure_api_version'),
      severity: 'error',
      message: `${s.pure_api_version} is below ${MIN_REST_VERSION}, the oldest FlashArray REST version the pure driver can work with`,
    });
  }
  if (isSet('storage', 'mock_storage_path')) {
    out.push({ ...at('storage', 'mock_storage_path'), severity: 'warning', message: "ignored with driver = pure (it is the mock driver's simulated arrays)" });
  }
  return out;
}

function caFileProblem(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return `cannot read the CA file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  return text.includes('-----BEGIN CERTIFICATE-----') ? null : 'the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
}
