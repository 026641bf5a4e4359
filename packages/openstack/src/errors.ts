import { STATUS_CODES } from 'node:http';

/** The one error type every OpenStack client throws, and how each service's error body is read. */

export type ServiceName = 'keystone' | 'nova' | 'cinder' | 'neutron' | 'glance' | 'protector';

export const SERVICE_LABELS: Record<ServiceName, string> = {
  keystone: 'Keystone',
  nova: 'Nova',
  cinder: 'Cinder',
  neutron: 'Neutron',
  glance: 'Glance',
  protector: 'Protector',
};

export interface OpenStackErrorInit {
  service: ServiceName;
  /** HTTP status; 0 when no answer arrived (connection refused, reset, timeout). */
  status: number;
  /** The service's symbolic code: Nova/Cinder fault name, Neutron exception type, Keystone title. */
  code?: string;
  message: string;
  /** The answering service's x-openstack-request-id, else the id this client sent. */
  requestId?: string;
  method: string;
  path: string;
  site?: string;
}

/** An OpenStack API call that failed; `message` is one line naming service, method, path and cause. */
export class OpenStackError extends Error {
  readonly service: ServiceName;
  readonly status: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly method: string;
  readonly path: string;
  /** The service's own words, without the service/method/path prefix. */
  readonly detail: string;

  constructor(init: OpenStackErrorInit, message?: string) {
    super(message ?? formatMessage(init));
    this.name = 'OpenStackError';
    this.service = init.service;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.message;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** The service did not answer usefully: connection refused or reset, timeout (status 0), or 503. */
export class ServiceUnavailableError extends OpenStackError {
  constructor(init: OpenStackErrorInit) {
    const who = `${init.site ? `${init.site} ` : ''}${SERVICE_LABELS[init.service]}`;
    super(init, `${who} is unreachable (${init.method} ${init.path}: ${init.message})${suffix(init.requestId)}`);
    this.name = 'ServiceUnavailableError';
  }
}

const suffix = (requestId?: string) => (requestId ? ` [request ${requestId}]` : '');

function formatMessage(init: OpenStackErrorInit): string {
  const who = `${init.site ? `${init.site} ` : ''}${SERVICE_LABELS[init.service]}`;
  return `${who} ${init.method} ${init.path} failed with ${init.status}${init.code ? ` ${init.code}` : ''}: ${init.message}${suffix(init.requestId)}`;
}

export const isOpenStackError = (e: unknown): e is OpenStackError => e instanceof OpenStackError;
export const isNotFound = (e: unknown): boolean => e instanceof OpenStackError && e.status === 404;
export const isUnavailable = (e: unknown): e is ServiceUnavailableError => e instanceof ServiceUnavailableError;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Reads the service's own code and message out of an error body. Shapes, by service:
 * Keystone (and keystonemiddleware's 401) `{"error": {"code", "title", "message"}}`;
 * Nova and Cinder `{"itemNotFound": {"code", "message"}}` (one key naming the fault);
 * Neutron `{"NeutronError": {"type", "message", "detail"}}`; Glance a webob HTML or text page.
 * Anything else falls back to the body's first line or the HTTP reason.
 */
export function parseErrorBody(text: string, contentType: string | null, status: number, statusText: string): { code?: string; message: string } {
  const fallback = statusText || `HTTP ${status}`;
  if (text.trim() === '') return { message: fallback };
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      const parsed = fromJson(JSON.parse(text) as unknown);
      if (parsed) return parsed;
    } catch {
      // Not JSON after all; read it as text below.
    }
  }
  return { message: fromText(text, status) || fallback };
}

function fromJson(body: unknown): { code?: string; message: string } | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.NeutronError)) {
    const e = body.NeutronError;
    const message = str(e.message) ?? str(e.detail);
    if (message) return { code: str(e.type), message };
  }
  if (isObject(body.error)) {
    const e = body.error;
    const message = str(e.message);
    if (message) return { code: str(e.title), message };
  }
  if (typeof body.error === 'string') return { message: body.error };
  // Nova/Cinder: exactly one top-level key, the fault name, holding {code, message}.
  for (const [key, value] of Object.entries(body)) {
    if (isObject(value) && str(value.message)) return { code: key, message: str(value.message)! };
  }
  // Placement-style {"errors": [{"title", "detail"}]} and bare {"message"}.
  if (Array.isArray(body.errors) && isObject(body.errors[0])) {
    const e = body.errors[0];
    const message = str(e.detail) ?? str(e.title);
    if (message) return { code: str(e.code), message };
  }
  const message = str(body.message) ?? str(body.description) ?? str(body.title);
  return message ? { message } : undefined;
}

/** webob's error page: drop tags and the "404 Not Found" heading, keep the explanation on one line. */
function fromText(text: string, status: number): string {
  const noHead = text.replace(/<head>[\s\S]*?<\/head>/i, '').replace(/<h1>[\s\S]*?<\/h1>/i, '');
  const plain = noHead
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  // Plain-text pages repeat the status line first ("404 Not Found\n\nThe resource …").
  const statusLine = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const cleaned = plain.startsWith(statusLine) ? plain.slice(statusLine.length).trim() : plain;
  return (cleaned || plain).slice(0, 500);
}
