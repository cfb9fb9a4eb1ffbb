/**
 * A request that got no complete answer: the connection could not be made, timed out, was reset,
 * dropped after the headers (`truncated`), or the proxy refused it (`proxyStatus`). `code` is the
 * system or undici error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`…). The
 * message is the library's, which never carries request headers, so no credential can reach it.
 */
export class HttpNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly truncated: boolean,
    readonly proxyStatus: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpNetworkError';
  }

  static from(error: unknown, truncated: boolean): HttpNetworkError {
    if (error instanceof HttpNetworkError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const proxyStatus = PROXY_REFUSAL.exec(message)?.slice(1).find(Boolean);
    return new HttpNetworkError(message, errorCode(error), truncated, proxyStatus ? Number(proxyStatus) : undefined, { cause: error });
  }
}

// undici reports a proxy's answer other than 200 as an error instead of handing it over: for a
// CONNECT tunnel (https targets) and, for 407 only, for a forwarded http request.
const PROXY_REFUSAL = /^Proxy (?:response \((\d{3})\) !== 200 when HTTP Tunneling|Authentication Required \((\d{3})\))$/;

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
