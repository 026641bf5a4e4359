/** Why an array call failed; the REST face will map these to FlashArray error bodies and HTTP statuses. */
export type ArrayErrorCode = 'not_found' | 'conflict' | 'invalid' | 'unreachable' | 'failed';

export class ArrayError extends Error {
  constructor(
    readonly code: ArrayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArrayError';
  }
}

export const notFound = (what: string): ArrayError => new ArrayError('not_found', `${what} does not exist`);
export const conflict = (msg: string): ArrayError => new ArrayError('conflict', msg);
export const invalid = (field: string, msg: string): ArrayError => new ArrayError('invalid', `${field}: ${msg}`);
