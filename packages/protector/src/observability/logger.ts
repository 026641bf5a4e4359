/**
 * Structured JSON logs for the Protector services (DESIGN §3 Observability). One line per
 * record with `service`, `host` and `pid`; secrets are scrubbed before a record is written.
 */
import { hostname } from 'node:os';
import { format } from 'node:util';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { REDACTED, redactText, scrubValue } from './redact.js';

export type ServiceName = 'protector-api' | 'protector-engine' | 'protector-manage';
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  service: ServiceName;
  /** `debug` when `[DEFAULT] debug = true`, else `info`. */
  level?: LogLevel;
  /** `[DEFAULT] log_file`, already joined with `log_dir` by the caller; appended to. Unset: stderr. */
  file?: string;
  /** Where records go instead of `file`/stderr; tests capture output this way. */
  destination?: DestinationStream;
  /** `[DEFAULT] host`: the name this service's records carry; unset, the machine's hostname. */
  host?: string;
}

export type { Logger } from 'pino';

const HEADER_SECRETS = ['x-auth-token', 'x-subject-token', 'x-service-token', 'x-peer-auth-token', 'authorization', 'api-token', 'cookie', 'set-cookie'];
const KEY_SECRETS = ['password', 'secret', 'token', 'api_token', 'credentials', 'secret_key', 'auth_token'];

/**
 * pino redact paths: request/response headers wherever a serializer puts them, and secret keys
 * at the top level and one or two levels down. Deeper keys are caught by scrubValue.
 */
export const REDACT_PATHS: readonly string[] = [
  ...HEADER_SECRETS.flatMap((h) => [
    `headers["${h}"]`,
    `req.headers["${h}"]`,
    `res.headers["${h}"]`,
    `request.headers["${h}"]`,
    `response.headers["${h}"]`,
    `*.headers["${h}"]`,
  ]),
  ...KEY_SECRETS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/** Loggers made by createLogger → their destination and base fields, for logPlain's lines. */
const plainLines = new WeakMap<Logger, { destination: DestinationStream; base: string }>();

/** Creates the service's root logger. */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    (options.file
      ? // append, and create the file if missing; the directory is the packager's job
        pino.destination({ dest: options.file, append: true, mkdir: false, sync: true })
      : pino.destination({ dest: 2, sync: true }));
  const common = {
    base: { service: options.service, host: options.host || hostname(), pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // level names, not numbers: operators grep for "error", not 50
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const logger = pino(
    {
      ...common,
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // records arrive scrubbed (logMethod below); these keep pino's err serializer from
      // re-wrapping the plain object scrubValue made of an Error
      serializers: { err: scrubValue, error: scrubValue },
      hooks: {
        logMethod(args, method) {
          (method as (...a: unknown[]) => void).apply(this, scrubArgs(args as unknown[]));
        },
        // Last pass over the finished line, for what logMethod never sees: child bindings and
        // what other serializers (Fastify's req with its raw URL) produce.
        streamWrite: redactText,
      },
    },
    destination,
  );
  // The base fields as pino renders them after level and time: `"service":…,"host":…,"pid":…`.
  plainLines.set(logger, { destination, base: JSON.stringify(common.base).slice(1, -1) });
  return logger;
}

/** Fields that cannot hold a secret: ids this service made or Keystone issued, route patterns, codes, numbers. */
export type PlainFields = Readonly<Record<string, string | number>>;

/**
 * One record of fields that cannot hold a secret (`PlainFields`), written without the scrubbing
 * passes (a deep copy of the record and regular expressions over every value and over the line),
 * which cost more than answering a cached read: the line protector-api writes per request. The
 * line is the one pino writes (level, time, the base fields, the fields, msg), put together here
 * and handed to the logger's destination, since pino's generic path costs as much again. Nothing
 * is written when the logger does not write `level`; a logger not made by createLogger (a child)
 * writes the record through its usual path.
 */
export function logPlain(logger: Logger, level: Level, fields: PlainFields, msg: string): void {
  if (!logger.isLevelEnabled(level)) return;
  const plain = plainLines.get(logger);
  if (!plain) {
    logger[level](fields, msg);
    return;
  }
  let line = `{"level":"${level}","time":"${new Date().toISOString()}",${plain.base}`;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    // As JSON.stringify, which pino follows: a number that is not finite is null.
    line += `,${jsonString(key)}:${typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'null') : jsonString(value)}`;
  }
  plain.destination.write(`${line},"msg":${jsonString(msg)}}\n`);
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters, lone surrogates (any surrogate here: the slow path decides). */
// eslint-disable-next-line no-control-regex -- the control characters are what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(s), without its call for the ids and route patterns that need no escape. */
export const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/**
 * Scrubs a log call's arguments: the merge object at any depth, an Error given first, and the
 * message after interpolation (a secret can be split between the format string and its args).
 */
function scrubArgs(args: unknown[]): unknown[] {
  if (args.length === 0) return args;
  const [first, ...rest] = args;
  if (typeof first === 'string') return [scrubMessage(first, rest)];
  const obj = first instanceof Error ? { err: scrubValue(first) } : scrubValue(first);
  const [msg, ...fmt] = rest;
  if (typeof msg === 'string') return [obj, scrubMessage(msg, fmt)];
  if (first instanceof Error) return [obj, redactText(first.message)];
  return msg === undefined ? [obj] : [obj, msg];
}

function scrubMessage(msg: string, fmt: unknown[]): string {
  return redactText(fmt.length > 0 ? format(msg, ...fmt) : msg);
}

/** Correlation ids carried by every line a child logger writes. */
export interface LogContext {
  requestId?: string;
  globalRequestId?: string;
  operationId?: string;
}

/** A child logger whose lines carry `request_id`, `global_request_id` and `operation_id` when set. */
export function withContext(logger: Logger, context: LogContext): Logger {
  const bindings: Record<string, string> = {};
  if (context.requestId) bindings.request_id = context.requestId;
  if (context.globalRequestId) bindings.global_request_id = context.globalRequestId;
  if (context.operationId) bindings.operation_id = context.operationId;
  return logger.child(bindings);
}
