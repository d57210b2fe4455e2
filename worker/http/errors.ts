import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorBody, ErrorCode } from "../protocol";

/** A refusal that leaves the Worker as `{error: {code, message}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: HeadersInit,
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export const invalidRequest = (message: string, details?: unknown) =>
  new ApiError(400, ErrorCode.invalidRequest, message, details);
export const unauthorized = (message = "missing, expired or revoked token") =>
  new ApiError(401, ErrorCode.unauthorized, message);
export const forbidden = (message = "not allowed") => new ApiError(403, ErrorCode.forbidden, message);
export const notFound = (message = "not found") => new ApiError(404, ErrorCode.notFound, message);
export const conflict = (message: string) => new ApiError(409, ErrorCode.conflict, message);
export const tooLarge = (message = "too large") => new ApiError(413, ErrorCode.tooLarge, message);
export const rateLimited = (retryAfterSeconds: number, message = "too many requests") =>
  new ApiError(429, ErrorCode.rateLimited, message, undefined, { "Retry-After": String(retryAfterSeconds) });

const REFUSAL_STATUS: Partial<Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
};

/** A refusal an object returned as data, as the contract's HTTP error. */
export function refusalError(refusal: { code: ErrorCode; message: string }): ApiError {
  if (refusal.code === ErrorCode.rateLimited) return rateLimited(1, refusal.message);
  return new ApiError(REFUSAL_STATUS[refusal.code] ?? 400, refusal.code, refusal.message);
}

export function errorResponse(err: ApiError): Response {
  return Response.json(err.body(), { status: err.status, headers: err.headers });
}
