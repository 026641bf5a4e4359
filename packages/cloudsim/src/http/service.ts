import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AuthContext, TokenValidator } from '../auth.js';
import type { FaultSwitch } from '../sim/faults.js';
import { ApiError, unauthorized } from './errors.js';
import { keystoneFormat, type ErrorFormat } from './formats.js';
import { negotiate, versionHeaders, type Microversion, type MicroversionSpec } from './microversion.js';
import { describeValidation } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
    microversion: Microversion;
  }
  interface FastifyContextConfig {
    /** false for routes reachable without a token (version discovery, token issue). */
    auth?: boolean;
  }
}

/** A route as registered, for tests and tools that walk a service's whole API. */
export interface RouteEntry {
  method: string;
  url: string;
}

const registeredRoutes = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route of a service app, in registration order. */
export function serviceRoutes(app: FastifyInstance): RouteEntry[] {
  return registeredRoutes.get(app) ?? [];
}

export interface ServiceOptions {
  /** Service name as faults and logs know it: keystone, nova, cinder, neutron, glance, sim. */
  name: string;
  errorFormat: ErrorFormat;
  microversion?: MicroversionSpec;
  /** Validates X-Auth-Token; absent for services that need no token (the sim control API). */
  validator?: TokenValidator;
  /** Where a 401 tells the client to authenticate (keystonemiddleware's WWW-Authenticate). */
  authUri?: string;
  faults?: FaultSwitch;
  /** Extra request id header some services send besides x-openstack-request-id. */
  requestIdHeader?: string;
  /** Largest accepted request body; Glance image data is not served here. */
  bodyLimit?: number;
}

/**
 * A Fastify app that behaves like an OpenStack WSGI service behind keystonemiddleware:
 * request ids, injected faults and latency, token validation before anything else, microversion
 * negotiation, and every error (validation, routing, parsing) rendered in the service's own
 * body shape, never as Fastify's default and never as a 500 for bad input.
 */
export function createServiceApp(opts: ServiceOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Long ids must reach the routes so they can answer 404, not Fastify's 414.
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true, maxParamLength: 2048 },
    // OpenStack services answer HEAD only where the API defines it (e.g. token validation).
    exposeHeadRoutes: false,
  });
  app.setValidatorCompiler(validatorCompiler());
  const routes: RouteEntry[] = [];
  registeredRoutes.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });

  // OpenStack clients send Content-Type: application/json on bodiless requests; accept that.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json|^application\/openstack-images-v2\.1-json-patch/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, 'Malformed request body'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.decorateRequest('microversion', null as unknown as Microversion);

  app.addHook('onRequest', async (request, reply) => {
    const id = `req-${randomUUID()}`;
    reply.header('x-openstack-request-id', id);
    if (opts.requestIdHeader) reply.header(opts.requestIdHeader, id);
    if (opts.faults) await opts.faults.apply(opts.name);
    if (opts.microversion) {
      request.microversion = negotiate(request.headers, opts.microversion);
      reply.headers(versionHeaders(request.microversion, opts.microversion));
    }
    if (opts.validator && request.routeOptions.config.auth !== false) {
      const token = request.headers['x-auth-token'];
      const auth = typeof token === 'string' && token !== '' ? await opts.validator.validate(token) : undefined;
      if (!auth) {
        reply.header('WWW-Authenticate', `Keystone uri="${opts.authUri ?? ''}"`);
        throw unauthorized();
      }
      request.auth = auth;
    }
  });

  app.setNotFoundHandler((_request, reply) => {
    sendError(reply, opts, new ApiError(404, 'The resource could not be found.'));
  });

  app.setErrorHandler((error: FastifyError | ApiError, _request, reply) => {
    sendError(reply, opts, toApiError(error));
  });

  return app;
}

// ajv's CommonJS default export, as seen from an ES module.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * JSON bodies are checked strictly, as the services' jsonschema validators do ("42" is not an
 * integer); query strings and path parameters are text, so they are coerced to the schema types.
 */
function validatorCompiler() {
  const options = { removeAdditional: false, useDefaults: true, allErrors: false, allowUnionTypes: true, strict: false } as const;
  const body = new Ajv({ ...options, coerceTypes: false });
  const text = new Ajv({ ...options, coerceTypes: 'array' });
  addFormats(body);
  addFormats(text);
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? body : text).compile(schema) as (data: unknown) => boolean;
}

function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const fe = error as FastifyError;
  if (fe.validation) {
    const { field, reason } = describeValidation(fe.validation, fe.validationContext);
    return new ApiError(400, `Invalid input for field/attribute ${field}. ${reason}`);
  }
  if (fe.statusCode === 413) return new ApiError(413, 'Request is too large.');
  if (fe.statusCode === 415) return new ApiError(415, 'Unsupported Content-Type');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new ApiError(fe.statusCode, fe.message);
  // A bug in the simulator: say so in the service's own shape, and keep the detail in stderr.
  console.error(`cloudsim internal error: ${error.stack ?? error.message}`);
  return new ApiError(500, 'Unexpected API Error. Please report this at http://bugs.launchpad.net/ and attach the cloudsim log if possible.');
}

function sendError(reply: FastifyReply, opts: ServiceOptions, error: ApiError): void {
  // keystonemiddleware answers 401s before the service sees the request, in Keystone's shape.
  const format = error.status === 401 ? keystoneFormat : opts.errorFormat;
  reply.headers(error.headers).code(error.status).type(format.contentType).send(format.body(error));
}
