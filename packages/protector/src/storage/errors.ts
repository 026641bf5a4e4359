/**
 * Why a storage call failed. The engine decides on the code (retry 'unreachable', stop on
 * 'invalid'); the message is for operators and names the array and object involved.
 * - not_found: the named object does not exist on the array.
 * - conflict: the object exists in a state that forbids the call (e.g. a transfer not complete,
 *   a construct with other settings, a volume already there without overwrite).
 * - unreachable: the array (or the link the call needs) does not answer; retrying later may work.
 * - invalid: the request itself is wrong (a bad name, an unknown driver, arrays not configured).
 * - failed: the array refused or broke for another reason, including timeouts waiting on it.
 */
export type StorageErrorCode = 'not_found' | 'conflict' | 'unreachable' | 'invalid' | 'failed';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export const isStorageError = (err: unknown, code?: StorageErrorCode): err is StorageError =>
  err instanceof StorageError && (code === undefined || err.code === code);
