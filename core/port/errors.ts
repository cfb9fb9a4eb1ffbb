/** A Port API call failed; the message names the route and Port's own error code and message. */
export class PortApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly route: string,
  ) {
    super(message);
  }
}

/** Port rejected the client id / secret. */
export class PortAuthError extends PortApiError {}
