import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorBody, ErrorCode } from "../protocol";

/** A refusal that leaves the Worker as `{error: {code, message}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
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

export function errorResponse(err: ApiError): Response {
  return Response.json(err.body(), { status: err.status, headers: err.headers });
}
