/** An answer the API gives on purpose, rendered as `{"error": {"code", "title", "message"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusTitle = (status: number): string => TITLES[status] ?? 'Error';

export const errorBody = (status: number, message: string) => ({ error: { code: status, title: statusTitle(status), message } });

/** 400 naming the field, in the words Nova uses. */
export const badRequest = (field: string, reason: string) => new ApiError(400, `Invalid input for field/attribute ${field}. ${reason}`);
export const notFound = (what: string) => new ApiError(404, `${what} could not be found.`);
export const conflict = (message: string) => new ApiError(409, message);
export const unavailable = (message: string) => new ApiError(503, message);
