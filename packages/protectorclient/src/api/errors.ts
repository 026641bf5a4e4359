import { OpenStackError } from '@protector/openstack';

/** The error body every Protector answer carries on failure: `{"error": {"code", "title", "message"}}`. */
export interface ApiErrorBody {
  error: { code: number; title: string; message: string };
}

export interface ProtectorApiErrorInit {
  status: number;
  /** The API's `error.code` (the HTTP status, as Nova and Cinder put it). */
  code: number;
  /** The API's `error.title`, e.g. `Conflict`. */
  title: string;
  /** The API's `error.message`. */
  message: string;
  /** The answer's X-OpenStack-Request-ID (else the id this client sent). */
  requestId?: string;
  method: string;
  path: string;
  /** The site name given to the client, for messages. */
  site?: string;
}

/** The service name Protector requests carry through the shared HTTP helper. */
export const PROTECTOR_SERVICE = 'protector';

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Protector answered with an error (4xx/5xx). `message` is the API's own message on one line
 * (the 400s name the field); the other fields say what answered and which request it was.
 */
export class ProtectorApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly title: string;
  readonly requestId?: string;
  readonly method: string;
  readonly path: string;
  readonly site?: string;

  constructor(init: ProtectorApiErrorInit) {
    super(oneLine(init.message));
    this.name = 'ProtectorApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.site = init.site;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

/**
 * No answer from Protector at all: connection refused or reset, host not found, timeout.
 * The message names the site (when known), the endpoint and the cause.
 */
export class ProtectorUnreachableError extends Error {
  readonly site?: string;
  readonly endpoint: string;
  /** Why, in a few words: `connection refused`, `no answer within 30000 ms`, … */
  readonly reason: string;
  readonly method: string;
  readonly path: string;
  readonly timedOut: boolean;

  constructor(init: { site?: string; endpoint: string; reason: string; method: string; path: string; timedOut?: boolean }) {
    const who = init.site ? `site ${init.site} (Protector at ${init.endpoint})` : `Protector at ${init.endpoint}`;
    super(`${who} is unreachable: ${oneLine(init.reason)}`);
    this.name = 'ProtectorUnreachableError';
    this.site = init.site;
    this.endpoint = init.endpoint;
    this.reason = oneLine(init.reason);
    this.method = init.method;
    this.path = init.path;
    this.timedOut = init.timedOut ?? false;
  }
}

/** No microversion both this client and the service speak. */
export class ProtectorVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtectorVersionError';
  }
}

/**
 * `waitForOperation` stopped following an operation that had not finished; the operation goes
 * on on its site. `lastStatus` is what the site last said (`unknown` when it never answered).
 */
export class OperationWaitAbandonedError extends Error {
  constructor(
    message: string,
    readonly operationId: string,
    readonly lastStatus: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OperationWaitAbandonedError';
  }
}

/** `waitForOperation` ran out of time (`timeoutMs`) before the operation finished. */
export class OperationWaitTimeoutError extends OperationWaitAbandonedError {
  constructor(
    operationId: string,
    lastStatus: string,
    readonly timeoutMs: number,
  ) {
    super(`Operation ${operationId} is still ${lastStatus} after ${Math.round(timeoutMs / 1000)} s; it goes on running on the site (follow it with 'protector operation show ${operationId}').`, operationId, lastStatus);
    this.name = 'OperationWaitTimeoutError';
  }
}

/** The site running the operation did not answer for longer than the wait's `unreachableMs`. */
export class OperationSiteUnreachableError extends OperationWaitAbandonedError {
  constructor(
    operationId: string,
    lastStatus: string,
    readonly downMs: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Operation ${operationId} (last seen ${lastStatus}) could not be followed: its site did not answer for ${Math.round(downMs / 1000)} s (${reason}); it may go on running there.`, operationId, lastStatus, options);
    this.name = 'OperationSiteUnreachableError';
  }
}

export const isProtectorApiError = (e: unknown): e is ProtectorApiError => e instanceof ProtectorApiError;
export const isProtectorUnreachable = (e: unknown): e is ProtectorUnreachableError => e instanceof ProtectorUnreachableError;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The Protector error for what the shared HTTP helper threw: status 0 (no answer) becomes
 * ProtectorUnreachableError, any answered status ProtectorApiError. The helper already read the
 * `{"error": {…}}` body (its `code` field is the title, `detail` the message); anything else is
 * returned unchanged.
 */
export function toProtectorError(err: unknown, ctx: { endpoint: string; site?: string }): unknown {
  // Keystone's own failures (bad password, Keystone down) keep their OpenStackError.
  if (!(err instanceof OpenStackError) || (err.service as string) !== PROTECTOR_SERVICE) return err;
  if (err.status === 0) {
    return new ProtectorUnreachableError({ site: ctx.site, endpoint: ctx.endpoint, reason: err.detail, method: err.method, path: err.path, timedOut: err.code === 'Timeout' });
  }
  return new ProtectorApiError({
    status: err.status,
    code: err.status,
    title: err.code ?? TITLES[err.status] ?? 'Error',
    message: err.detail,
    requestId: err.requestId,
    method: err.method,
    path: err.path,
    site: ctx.site,
  });
}
