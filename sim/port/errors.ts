/**
 * Port's error body is `{ok: false, error: <code>, message}` on every route
 * (port-api-and-ocean-core.md §2.11). Codes follow Port's API reference pages where they name one
 * (`not_found`, `identifier_taken`, `blueprint_schema_mismatch`, `required_relation`,
 * `relation_many_violation`, `internal_error`); the rest are the simulator's choice, listed in
 * docs/simulators/port.md.
 */
export class PortApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error: this.code, message: this.message };
    if (this.details !== undefined) body['details'] = this.details;
    return body;
  }
}

export const ROUTE_SCHEMA_MESSAGE = "The json provided does not match the route's schema";

export function notFound(message: string): PortApiError {
  return new PortApiError(404, 'not_found', message);
}

export function routeSchemaMismatch(details: unknown): PortApiError {
  return new PortApiError(422, 'bad_request', ROUTE_SCHEMA_MESSAGE, details);
}

export function identifierTaken(message: string): PortApiError {
  return new PortApiError(409, 'identifier_taken', message);
}

export function blueprintSchemaMismatch(message: string): PortApiError {
  return new PortApiError(422, 'blueprint_schema_mismatch', message);
}
