import { STATUS_CODES } from 'node:http';
import type { ApiError } from './errors.js';

/** How one service writes an error body. */
export interface ErrorFormat {
  contentType: string;
  body(error: ApiError): unknown;
}

const title = (status: number) => STATUS_CODES[status] ?? 'Error';

/** Keystone (and keystonemiddleware's 401): {"error": {"code", "title", "message"}}. */
export const keystoneFormat: ErrorFormat = {
  contentType: 'application/json',
  body: (e) => ({ error: { code: e.status, title: title(e.status), message: e.message } }),
};

// Nova's and Cinder's wsgi Fault names by status; anything else is a computeFault.
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova and Cinder: {"itemNotFound": {"code": 404, "message": "..."}}. */
export const computeFormat: ErrorFormat = {
  contentType: 'application/json',
  body: (e) => ({ [FAULT_NAMES[e.status] ?? 'computeFault']: { code: e.status, message: e.message } }),
};

// Neutron names webob's exception class when no specific Neutron exception applies.
const NEUTRON_DEFAULT_TYPES: Record<number, string> = {
  400: 'HTTPBadRequest',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  409: 'HTTPConflict',
  413: 'HTTPRequestEntityTooLarge',
  503: 'HTTPServiceUnavailable',
};

/** Neutron: {"NeutronError": {"type": "PortNotFound", "message": "...", "detail": ""}}. */
export const neutronFormat: ErrorFormat = {
  contentType: 'application/json',
  body: (e) => ({
    NeutronError: { type: e.type ?? NEUTRON_DEFAULT_TYPES[e.status] ?? 'HTTPInternalServerError', message: e.message, detail: '' },
  }),
};

/** Glance: webob's plain HTML error page. */
export const glanceFormat: ErrorFormat = {
  contentType: 'text/html; charset=UTF-8',
  body: (e) => {
    const t = `${e.status} ${title(e.status)}`;
    const esc = e.message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `<html>\n <head>\n  <title>${t}</title>\n </head>\n <body>\n  <h1>${t}</h1>\n  ${esc}<br /><br />\n\n\n\n </body>\n</html>`;
  },
};
