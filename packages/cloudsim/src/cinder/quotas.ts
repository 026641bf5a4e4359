import { overLimit } from '../http/errors.js';
import type { QuotaRecord } from './records.js';

export const DEFAULT_QUOTAS = {
  volumes: 10,
  gigabytes: 1000,
  snapshots: 10,
  groups: 10,
  per_volume_gigabytes: -1,
  backups: 10,
  backup_gigabytes: 1000,
} as const;

export type QuotaKey = keyof typeof DEFAULT_QUOTAS;
export type QuotaLimits = Record<QuotaKey, number>;
export const QUOTA_KEYS = Object.keys(DEFAULT_QUOTAS) as QuotaKey[];

export function limitsOf(stored: QuotaRecord | undefined): QuotaLimits {
  const limits = { ...DEFAULT_QUOTAS } as QuotaLimits;
  for (const k of QUOTA_KEYS) if (stored?.[k] !== undefined) limits[k] = stored[k];
  return limits;
}

export interface Usage {
  volumes: number;
  gigabytes: number;
  snapshots: number;
  groups: number;
}

/** Refuses a change that would take usage over a limit, in Cinder's words (-1 is unlimited). */
export function checkQuota(limits: QuotaLimits, usage: Usage, add: { volumes?: number; gigabytes?: number; snapshots?: number; groups?: number }): void {
  const size = add.gigabytes ?? 0;
  if (limits.per_volume_gigabytes >= 0 && size > limits.per_volume_gigabytes) {
    throw overLimit(`VolumeSizeExceedsLimit: Requested volume size ${size}G is larger than maximum allowed limit ${limits.per_volume_gigabytes}G.`);
  }
  if (add.gigabytes && limits.gigabytes >= 0 && usage.gigabytes + add.gigabytes > limits.gigabytes) {
    throw overLimit(
      `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${add.gigabytes}G, quota is ${limits.gigabytes}G and ${usage.gigabytes}G has been consumed.`,
    );
  }
  if (add.volumes && limits.volumes >= 0 && usage.volumes + add.volumes > limits.volumes) {
    throw overLimit(`VolumeLimitExceeded: Maximum number of volumes allowed (${limits.volumes}) exceeded for quota 'volumes'.`);
  }
  if (add.snapshots && limits.snapshots >= 0 && usage.snapshots + add.snapshots > limits.snapshots) {
    throw overLimit(`SnapshotLimitExceeded: Maximum number of snapshots allowed (${limits.snapshots}) exceeded`);
  }
  if (add.groups && limits.groups >= 0 && usage.groups + add.groups > limits.groups) {
    throw overLimit(`GroupLimitExceeded: Maximum number of groups allowed (${limits.groups}) exceeded`);
  }
}
