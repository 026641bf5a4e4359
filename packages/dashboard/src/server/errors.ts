/** An answer in the API's error shape (`{"error": {"code", "message"}}`), for pages and tests alike. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
