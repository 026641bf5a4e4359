import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { ArrayError } from '../model/errors.js';
import type { ArrayModel } from '../model/model.js';
import { registerArrayConnections } from './array-connections.js';
import { registerArrays } from './arrays.js';
import { errorBody, fromArrayError, RestError } from './errors.js';
import { registerLogin } from './login.js';
import { registerPodReplicaLinks } from './pod-replica-links.js';
import { registerPods } from './pods.js';
import { registerProtectionGroupSnapshots } from './protection-group-snapshots.js';
import { registerProtectionGroups } from './protection-groups.js';
import type { RestContext } from './route.js';
import { Sessions } from './session.js';
import { registerVolumeSnapshots } from './volume-snapshots.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { API_VERSIONS, checkVersions } from './versions.js';
import { registerVolumes } from './volumes.js';

export interface ArrayRestOptions {
  clock?: Clock;
  /** Session idle timeout; FlashArray's default is 30 minutes. */
  sessionIdleMs?: number;
  /** Versions advertised and served (default 2.0 … 2.36, as Purity//FA 6.7). */
  versions?: readonly string[];
  /** Answer 429 over this many requests per second / minute (off by default). */
  rateLimit?: RateLimit;
  /** Serve HTTPS from the app itself (`app.listen`); hosts with their own server (cloudsim) leave it out. */
  https?: { key: string; cert: string };
}

const DEFAULT_IDLE_MS = 30 * 60 * 1000;

/**
 * The FlashArray REST 2.x face of one simulated array. State is the model's; only sessions live
 * here. The app does not advance time: whoever hosts it calls `model.tick()`.
 */
export function createArrayRestApp(model: ArrayModel, array: string, opts: ArrayRestOptions = {}): FastifyInstance {
  const versions = checkVersions(opts.versions ?? API_VERSIONS);
  const clock = opts.clock ?? systemClock;
  const limiter = opts.rateLimit ? new RateLimiter(clock, opts.rateLimit) : null;
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    logger: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true, maxParamLength: 2048 },
    exposeHeadRoutes: false,
  });
  const sessions = new Sessions(clock, opts.sessionIdleMs ?? DEFAULT_IDLE_MS);
  const ctx: RestContext = { app, model, array, sessions, versions };

  // Clients send Content-Type: application/json on bodiless POSTs too; an empty body is no body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new RestError(400, 'body', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-request-id'];
    reply.header('x-request-id', typeof given === 'string' && given.length <= 128 ? given : randomUUID());
    // A down array answers nothing at all, not even version discovery.
    if (model.isArrayDown(array)) throw new ArrayError('unreachable', `array '${array}' is unreachable`);
    if (limiter && !limiter.take(reply)) return reply;
  });

  app.get('/api/api_version', async () => ({ version: [...versions] }));
  registerLogin(ctx);
  registerArrays(ctx);
  registerArrayConnections(ctx);
  registerVolumes(ctx);
  registerVolumeSnapshots(ctx);
  registerProtectionGroups(ctx);
  registerProtectionGroupSnapshots(ctx);
  registerPods(ctx);
  registerPodReplicaLinks(ctx);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    reply.code(404).type('application/json').send(errorBody(new RestError(404, path, `${request.method} ${path} is not a FlashArray REST endpoint.`)));
  });

  app.setErrorHandler((error: FastifyError | RestError | ArrayError, request, reply) => {
    const e = toRestError(error, request.url.split('?')[0] ?? '');
    reply.code(e.status).type('application/json').send(errorBody(e));
  });

  return app;
}

function toRestError(error: FastifyError | RestError | ArrayError, path: string): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof ArrayError) return fromArrayError(error, path);
  const status = (error as FastifyError).statusCode;
  if (status === 413) return new RestError(413, 'body', 'The request body is too large.');
  if (status === 415) return new RestError(400, 'body', 'The request body must be application/json.');
  if (status !== undefined && status >= 400 && status < 500) return new RestError(400, path, error.message);
  // A simulator bug: answer in the array's shape without a stack trace, keep the detail in stderr.
  console.error(`array-rest internal error: ${error.stack ?? error.message}`);
  return new RestError(500, path, 'Internal error.');
}
