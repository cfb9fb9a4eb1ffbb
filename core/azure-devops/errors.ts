/**
 * Failures of Azure DevOps calls, as values a user can act on. Messages name the service URL path
 * (never a credential) and the Azure DevOps error code (TF…/VS…) when the service sent one.
 */
export class AzureDevOpsError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** 401, a 203 HTML sign-in page or a redirect: the credential does not work. Never an empty listing. */
export class AzureDevOpsAuthError extends AzureDevOpsError {}

/** The resource does not exist or the identity cannot see it (404, VS800075…). */
export class AzureDevOpsNotFoundError extends AzureDevOpsError {}

/** Retries were exhausted on throttling, server errors or network failures. */
export class AzureDevOpsUnavailableError extends AzureDevOpsError {}

/** The service answered 200 with a body we cannot use (truncated or not JSON). */
export class AzureDevOpsResponseError extends AzureDevOpsError {}

/** A raw body (file content) longer than the caller's limit; reading stopped at the limit. */
export class AzureDevOpsContentTooLargeError extends AzureDevOpsError {
  constructor(
    message: string,
    url: string,
    readonly limitBytes: number,
  ) {
    super(message, url);
  }
}

/** A kind that Azure DevOps Server does not have (graph, entitlements, Advanced Security). */
export class NotAvailableOnServerError extends Error {}

/** The error body Azure DevOps sends: `{"$id":"1","message":"VS…: …","typeKey":"…"}`. */
export function serviceMessage(body: unknown): { message?: string; code?: string; typeKey?: string } {
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const message = typeof record.message === 'string' ? record.message : undefined;
  const code = message ? /^(TF\d+|VS\d+)/.exec(message)?.[1] : undefined;
  const typeKey = typeof record.typeKey === 'string' ? record.typeKey : undefined;
  return { ...(message ? { message } : {}), ...(code ? { code } : {}), ...(typeKey ? { typeKey } : {}) };
}
