import { randomBytes, randomUUID } from 'node:crypto';

/** Nova, Cinder, Neutron and Glance ids: a dashed UUID. */
export const uuid = (): string => randomUUID();

/** Keystone ids: 32 hex digits, no dashes. */
export const hexId = (): string => randomUUID().replace(/-/g, '');

/** A locally administered unicast MAC in OpenStack's default fa:16:3e prefix. */
export function macAddress(): string {
  const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'));
  return ['fa', '16', '3e', ...tail].join(':');
}

export const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s);
