/** Errors the HTTP layer maps to statuses; their messages are safe to show to the caller. */
export class BadRequestError extends Error {
  readonly status = 400;
}
export class NotFoundError extends Error {
  readonly status = 404;
}
export class ConflictError extends Error {
  readonly status = 409;
}
