import assert from 'node:assert/strict';
import type { ArrayModel } from '@protector/arraysim';
import { StorageError, type StorageErrorCode } from '../../src/storage/index.js';

/** The first 32 bytes of an array volume, as text (tests write short padded strings). */
export const read = (m: ArrayModel, array: string, vol: string): string => m.readVolume(array, vol, 0, 32).toString();

/** An assert.rejects/throws matcher: a StorageError with this code (and message). */
export const code = (c: StorageErrorCode, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof StorageError, `expected a StorageError, got ${String(err)}`);
  assert.equal(err.code, c, err.message);
  if (re) assert.match(err.message, re);
  return true;
};
