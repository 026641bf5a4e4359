import { ArrayError } from '../model/errors.js';

/**
 * An error the REST face answers on purpose, rendered as FlashArray REST 2.x does:
 * `{"errors": [{"context": <name or path>, "message": "..."}]}`.
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly context: string,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export const badRequest = (context: string, message: string): RestError => new RestError(400, context, message);
export const unauthorized = (context: string, message: string): RestError => new RestError(401, context, message);

/** The simulator knows the field but the array model cannot do it yet: still the client's 400, never a 500. */
export const unsupported = (context: string, what: string): RestError =>
  new RestError(400, context, `${what} is not supported by this simulated array.`);

/**
 * FlashArray answers 400 for nearly every refused request: a name that does not exist, one that
 * already exists, a bad value, an object in the wrong state. An array that is down answers
 * nothing, which we approximate with 503; an injected fault is an array-side failure, 500.
 */
const STATUS: Record<ArrayError['code'], number> = {
  not_found: 400,
  conflict: 400,
  invalid: 400,
  unreachable: 503,
  failed: 500,
};

export function fromArrayError(e: ArrayError, context: string): RestError {
  return new RestError(STATUS[e.code], context, e.message);
}

/** Runs one model call for `context` (the name the call is about), turning model errors into REST ones. */
export function withContext<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ArrayError) throw fromArrayError(e, context);
    throw e;
  }
}

export const errorBody = (e: RestError): { errors: { context: string; message: string }[] } => ({
  errors: [{ context: e.context, message: e.message }],
});
