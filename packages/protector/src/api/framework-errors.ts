import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../observability/index.js';
import { REQUEST_ID_HEADER, newRequestId } from '../observability/index.js';
import { errorBody, statusTitle } from './errors.js';

/** Node's default, stated so the 431 below is a documented limit rather than a runtime flag's. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Longest path parameter the router accepts (ids are 64 characters at most); longer is a 414. */
export const MAX_PARAM_LENGTH = 2048;

/** The generic 404; it never repeats the URL, which is the caller's input. */
export const NOT_FOUND_MESSAGE = 'The resource could not be found: no route of this API matches the method and path (GET /v1/openapi.json lists them).';

/** llhttp's error codes → what is wrong, in words that quote nothing the client sent. */
const MALFORMED: Record<string, string> = {
  HPE_INVALID_METHOD: 'the method is not a valid HTTP method',
  HPE_INVALID_URL: 'the request target is not a valid URL',
  HPE_INVALID_VERSION: 'the HTTP version is not valid',
  HPE_INVALID_CONSTANT: 'the request line is not valid HTTP',
  HPE_INVALID_HEADER_TOKEN: 'a header line is not valid',
  HPE_INVALID_CONTENT_LENGTH: 'the Content-Length header is not valid',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length and Transfer-Encoding are both set',
  HPE_INVALID_TRANSFER_ENCODING: 'the Transfer-Encoding header is not valid',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size is not valid',
};

interface ClientErrorAnswer {
  status: number;
  message: string;
}

function clientErrorAnswer(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, message: `The request's header block is larger than ${MAX_HEADER_BYTES / 1024} KiB.` };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADER_TIMEOUT') return { status: 408, message: 'The request was not received in time.' };
  const why = (code && MALFORMED[code]) ?? 'it could not be parsed';
  return { status: 400, message: `Malformed HTTP request: ${why}.` };
}

/**
 * Fastify options that keep the error shape and the request id on the answers the framework
 * gives before any hook or handler of ours runs: a malformed URL or an over-long path parameter
 * (the router's frameworkErrors), and HTTP Node cannot parse at all (the server's clientError).
 */
export function frameworkErrorOptions(logger: Logger): { http: ServerOptions } & Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const [status, message] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, `The request URL is too long: a path parameter has more than ${MAX_PARAM_LENGTH} characters.`]
          : error.code === 'FST_ERR_BAD_URL'
            ? [400, 'The request URL is not valid: it has a malformed percent-encoding.']
            : [500, 'An unexpected error occurred; it has been logged with the request id.'];
      // Our onRequest/onSend hooks do not run for these, so the id is set here.
      logger.info({ request_id: request.id, status, code: error.code }, `request refused by the router: ${status}`);
      void reply.header(REQUEST_ID_HEADER, request.id).code(status).send(errorBody(status, message));
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      // A reset connection has nobody to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const { status, message } = clientErrorAnswer(error.code);
      const id = newRequestId();
      logger.info({ request_id: id, status, code: error.code }, `malformed HTTP refused: ${status}`);
      // As Node's own handler: only when no response of ours has started on this socket.
      const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && !inFlight?.headersSent) {
        const body = JSON.stringify(errorBody(status, message));
        socket.write(
          `HTTP/1.1 ${status} ${statusTitle(status)}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
            `${REQUEST_ID_HEADER}: ${id}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
