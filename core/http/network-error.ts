/**
 * A request that got no complete answer: the connection could not be made, timed out, was reset,
 * or dropped after the headers (`truncated`). `code` is the system or undici error code
 * (`ECONNREFUSED`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`…). The message is the library's,
 * which never carries request headers, so no credential can reach it.
 */
export class HttpNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly truncated: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpNetworkError';
  }

  static from(error: unknown, truncated: boolean): HttpNetworkError {
    if (error instanceof HttpNetworkError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new HttpNetworkError(message, errorCode(error), truncated, { cause: error });
  }
}

/** The answer was longer than the request's `maxBytes`; reading stopped there. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/** The code of the error or of the error it wraps (undici wraps some socket errors). */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
