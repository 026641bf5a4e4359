import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// Low scrypt cost: a simulator should hash for real but not spend 100 ms per login.
const COST = { N: 1024, r: 8, p: 1 };

export function hashSecret(secret: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${scryptSync(secret, salt, 32, COST).toString('hex')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const actual = scryptSync(secret, salt, 32, COST);
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
