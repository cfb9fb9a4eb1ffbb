import type { Json } from './json';

/** What a route handler returns; the server serializes it. */
export interface SimResponse {
  status: number;
  /** JSON (serialized by the server), or a string/Buffer sent as is with `contentType`. */
  body?: Json | string | Buffer | undefined;
  contentType?: string;
  headers?: Record<string, string>;
}

export const CONTINUATION_HEADER = 'x-ms-continuationtoken';

export function ok(body: Json, headers?: Record<string, string>): SimResponse {
  return { status: 200, body, headers };
}

export function created(body: Json): SimResponse {
  return { status: 200, body };
}

/** `{count, value}`: every list on the wire (azure-devops-api.md §1.4 item 1). */
export function list(items: readonly Json[], continuationToken?: string): SimResponse {
  return {
    status: 200,
    body: { count: items.length, value: [...items] },
    headers: continuationToken === undefined ? undefined : { [CONTINUATION_HEADER]: continuationToken },
  };
}

export function noContent(): SimResponse {
  return { status: 204 };
}
