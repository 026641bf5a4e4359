/**
 * Request ids in the manner of oslo.middleware's RequestId: every request gets a fresh local id
 * `req-<uuid>`, returned in `X-OpenStack-Request-ID`; an incoming `X-OpenStack-Request-ID` of the
 * exact form `req-<uuid>` is kept as the global request id, so one user action can be followed
 * across services. Anything else in that header is ignored: it is caller-controlled text that
 * would otherwise land in our logs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { withContext } from './logger.js';

export const REQUEST_ID_HEADER = 'x-openstack-request-id';

// oslo.middleware accepts lower-case hex only, as uuid4 prints it.
const REQUEST_ID_FORMAT = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id newRequestId() made last: the app's genReqId made it for the request being set up, so it needs no regular expression. */
let issued: string | undefined;

export function newRequestId(): string {
  issued = `req-${randomUUID()}`;
  return issued;
}

export function isRequestId(value: string): boolean {
  return REQUEST_ID_FORMAT.test(value);
}

/** The global request id from an incoming header value, or undefined when absent or malformed. */
export function parseGlobalRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && isRequestId(value.trim()) ? value.trim() : undefined;
}

export interface RequestContext {
  readonly requestId: string;
  readonly globalRequestId?: string;
  userId?: string;
  projectId?: string;
}

interface ContextEntry extends RequestContext {
  root?: Logger;
  logger?: Logger;
}

/** Structural, so requests of any route generic or type provider fit. */
export interface RequestLike {
  readonly headers: IncomingHttpHeaders;
  /** Fastify's request id; reused when the app's genReqId already makes `req-<uuid>`. */
  readonly id?: string;
}

// On the request object under a symbol of this module: no declaration merging into Fastify's
// types, nothing to clean up, and cheaper per request than a WeakMap entry.
const CONTEXT = Symbol('protector.requestContext');
type Carrier = RequestLike & { [CONTEXT]?: ContextEntry };

/** The request's ids (created on first use) and the identity the auth layer recorded. */
export function requestContext(request: RequestLike): RequestContext {
  let entry = (request as Carrier)[CONTEXT];
  if (!entry) {
    const header = request.headers[REQUEST_ID_HEADER];
    const globalRequestId = header === undefined ? undefined : parseGlobalRequestId(header);
    // One id per request everywhere: Fastify's own when it has the right form, so code that
    // reads request.id and the logs agree.
    const id = request.id;
    const requestId = id !== undefined && (id === issued || isRequestId(id)) ? id : newRequestId();
    entry = globalRequestId ? { requestId, globalRequestId } : { requestId };
    (request as Carrier)[CONTEXT] = entry;
  }
  return entry;
}

/** Called by the auth layer once the token is validated, so logs name who made the request. */
export function setRequestIdentity(request: RequestLike, identity: { userId?: string; projectId?: string }): void {
  const entry = requestContext(request) as ContextEntry;
  entry.userId = identity.userId;
  entry.projectId = identity.projectId;
  entry.logger = undefined; // rebuilt with the identity on next use
}

/** Remembers the root logger so requestLogger() can build the request's child logger. */
export function attachRootLogger(request: RequestLike, root: Logger): void {
  (requestContext(request) as ContextEntry).root = root;
}

/**
 * A logger whose lines carry this request's ids and identity. Handlers and services use it for
 * everything they log while serving the request.
 */
export function requestLogger(request: RequestLike): Logger {
  const entry = requestContext(request) as ContextEntry;
  if (!entry.root) throw new Error('requestLogger(): registerObservability() is not installed on this app');
  if (!entry.logger) {
    const child = withContext(entry.root, { requestId: entry.requestId, globalRequestId: entry.globalRequestId });
    const identity: Record<string, string> = {};
    if (entry.userId) identity.user_id = entry.userId;
    if (entry.projectId) identity.project_id = entry.projectId;
    entry.logger = Object.keys(identity).length > 0 ? child.child(identity) : child;
  }
  return entry.logger;
}
