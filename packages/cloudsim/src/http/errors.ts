/**
 * An error a simulated API returns on purpose. Each service renders it in its own real body
 * shape (see ./formats.ts); `type` carries Neutron's exception name (e.g. PortNotFound).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, type?: string) => new ApiError(400, message, type);
export const unauthorized = (message = 'The request you have made requires authentication.') =>
  new ApiError(401, message);
export const forbidden = (message: string, type?: string) => new ApiError(403, message, type);
export const notFound = (message: string, type?: string) => new ApiError(404, message, type);
export const conflict = (message: string, type?: string) => new ApiError(409, message, type);
export const overLimit = (message: string, type?: string) => new ApiError(413, message, type);

/** Policy refusal in the words oslo.policy-enforcing services use. */
export const policyForbidden = (rule: string) =>
  forbidden(`Policy doesn't allow ${rule} to be performed.`, 'PolicyNotAuthorized');
