import { ErrorResponse } from '@wangge/shared';

/** Adds the shared error response to a route's responses, so OpenAPI documents it. */
export function withErrors<T extends Record<number, unknown>>(ok: T) {
  return { ...ok, '4xx': ErrorResponse, '5xx': ErrorResponse };
}

export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
