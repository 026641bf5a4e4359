/**
 * One HTTPS request to an array, once: no retries, no redirects, no JSON handling (the session
 * does those). A failure before an answer is a TransportError that says whether the request may
 * have reached the array, which decides whether it is safe to send it again.
 */
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** An HTTP answer: status, headers (lower-case names) and the body as text. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Why no answer came:
 * - refused / dns / network: the connection was never made.
 * - tls-verify: the array's certificate is not trusted (or does not name the host).
 * - tls: the TLS handshake failed otherwise (e.g. the port does not speak TLS).
 * - timeout: no complete answer within the attempt's time.
 * - reset: the connection was closed or reset.
 * - too-large: the answer is bigger than the session accepts.
 * - other: anything else the socket reported.
 */
export type TransportFailure = 'refused' | 'dns' | 'network' | 'tls-verify' | 'tls' | 'timeout' | 'reset' | 'too-large' | 'other';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    /** The system or OpenSSL error code, when there is one (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, …). */
    readonly code: string | undefined,
    message: string,
    /**
     * False when the request certainly did not reach the array (the connection or its TLS
     * handshake was never completed); true when it may have, even if no answer came back.
     */
    readonly sent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** OpenSSL and Node codes of a certificate the client does not accept. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NOT_CONNECTED: Record<string, TransportFailure> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EHOSTUNREACH: 'network',
  EHOSTDOWN: 'network',
  ENETUNREACH: 'network',
  ENETDOWN: 'network',
  EADDRNOTAVAIL: 'network',
};

/** Where a request goes and how; `path` includes the encoded query. */
export interface RequestSpec {
  agent: Agent;
  host: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBodyBytes: number;
}

function classify(err: unknown, spec: RequestSpec, connected: boolean): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const detail = `${code ? `${code}: ` : ''}${e?.message ?? String(err)}`;
  const where = `${spec.host}:${spec.port}`;
  if (code && TLS_VERIFY_CODES.has(code)) {
    return new TransportError('tls-verify', code, `the certificate of ${where} could not be verified (${detail})`, false, { cause: err });
  }
  if (code && NOT_CONNECTED[code]) {
    const kind = NOT_CONNECTED[code];
    const what = kind === 'refused' ? `connection refused by ${where}` : kind === 'dns' ? `host name '${spec.host}' could not be resolved` : `${where} cannot be reached`;
    return new TransportError(kind, code, `${what} (${code})`, false, { cause: err });
  }
  if (!connected && code && (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    return new TransportError('tls', code, `the TLS handshake with ${where} failed (${detail})`, false, { cause: err });
  }
  if (code === 'ETIMEDOUT') return new TransportError('timeout', code, `${where} did not answer (${detail})`, connected, { cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
    return new TransportError('reset', code, `the connection to ${where} was reset (${code})`, connected, { cause: err });
  }
  return new TransportError('other', code, `the connection to ${where} failed (${detail})`, connected, { cause: err });
}

/**
 * Sends one request and reads the whole answer, within `timeoutMs` from the start (connecting,
 * TLS, sending and reading the body all count); past it the request is destroyed. Redirects are
 * answers like any other (not followed).
 */
export function sendOnce(spec: RequestSpec): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    let connected = false;
    let settled = false;
    let abortReason: TransportError | null = null;
    const req = request({
      agent: spec.agent,
      host: spec.host,
      port: spec.port,
      method: spec.method,
      path: spec.path,
      headers: spec.body === undefined ? spec.headers : { ...spec.headers, 'Content-Length': String(Buffer.byteLength(spec.body)) },
    });
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(abortReason ?? classify(err, spec, connected));
    };
    const abort = (reason: TransportError): void => {
      abortReason ??= reason;
      req.destroy(reason);
    };
    const timer = setTimeout(() => {
      abort(new TransportError('timeout', undefined, `no answer from ${spec.host}:${spec.port} within ${spec.timeoutMs} ms`, connected));
    }, spec.timeoutMs);

    req.on('socket', (socket) => {
      // A socket taken from the keep-alive pool is already connected and through TLS.
      if (req.reusedSocket) connected = true;
      else (socket as TLSSocket).once('secureConnect', () => (connected = true));
    });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > spec.maxBodyBytes) {
          abort(new TransportError('too-large', undefined, `the answer of ${spec.host}:${spec.port} is larger than ${spec.maxBodyBytes} bytes`, true));
        } else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      // Closed before the end of the body: the array (or the network) cut the answer short.
      res.on('close', () => fail(Object.assign(new Error('the answer was cut short'), { code: 'ECONNRESET' })));
    });
    req.end(spec.body);
  });
}
