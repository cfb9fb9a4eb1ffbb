import { readFile } from 'node:fs/promises';
import { createHttpTransport, type HttpTransport } from '../http/transport';
import { VERSION } from '../version';
import { AzureDevOpsClient, DEFAULT_RETRY_POLICY, type AzureDevOpsCredential, type RetryPolicy } from './client';
import { AzureDevOpsAuthError } from './errors';
import { parseOrganizationUrl } from './organization';
import { IdentityRateLimiter } from './rate-limiter';

/** How requests reach the services (core/config's `network` satisfies it): timeout, proxy, CA. */
export type NetworkSettings = {
  timeoutSeconds: number;
  proxyUrl?: string | undefined;
  noProxy?: readonly string[] | undefined;
  /** A PEM file of extra trusted CA certificates, read when the connection is made. */
  caFile?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
};

/** What a connection to Azure DevOps is made from: the resolved configuration's part of it. */
export type AzureDevOpsConnectionSettings = {
  organizationUrl: string;
  credential: AzureDevOpsCredential;
  network: NetworkSettings;
};

export type AzureDevOpsConnectionDependencies = {
  /** In-flight requests for the identity (ConcurrencyPolicy.requests): the limiter's cap. */
  maxConcurrent: number;
  /** Default `port-ado-sync/<version>`. */
  userAgent?: string;
  /** Host → IP overrides (tests and diagnostics; see NetworkOptions.resolve). */
  resolve?: Readonly<Record<string, string>> | undefined;
  /** Over the default policy (DEFAULT_RETRY_POLICY); tests shorten the backoffs. */
  retry?: Partial<RetryPolicy> | undefined;
  /** Told of every answer (`GET <url> → 200 in 31 ms`), for a debug log. */
  onAnswer?: ((line: string) => void) | undefined;
  /** Cancels the client's requests (and its waits on the limiter). */
  signal?: AbortSignal | undefined;
};

export type AzureDevOpsConnection = {
  /** The HTTP transport (keep-alive pools, proxy, CA): a Port client of the same run shares it. */
  transport: HttpTransport;
  /** The one limiter of the identity: every client of this connection goes through it. */
  limiter: IdentityRateLimiter;
  client: AzureDevOpsClient;
  /** A client on the same transport, limiter and counters, cancelled by `signal` instead (one live event). */
  withSignal(signal: AbortSignal): AzureDevOpsClient;
};

/**
 * The transport, the identity's rate limiter and the client, built one way for the sync, the
 * `webhooks` command and the receiver. A bad organization URL throws OrganizationUrlError; an
 * unreadable CA file throws before any request.
 */
export async function connectAzureDevOps(settings: AzureDevOpsConnectionSettings, deps: AzureDevOpsConnectionDependencies): Promise<AzureDevOpsConnection> {
  const organization = parseOrganizationUrl(settings.organizationUrl);
  const { network } = settings;
  const transport = createHttpTransport({
    timeoutSeconds: network.timeoutSeconds,
    proxyUrl: network.proxyUrl,
    noProxy: network.noProxy?.join(','),
    caCertificates: network.caFile ? await readFile(network.caFile, 'utf8') : undefined,
    rejectUnauthorized: network.rejectUnauthorized,
    resolve: deps.resolve,
  });
  const limiter = new IdentityRateLimiter(deps.maxConcurrent);
  const clientDeps: ConstructorParameters<typeof AzureDevOpsClient>[0] = {
    organization,
    credential: settings.credential,
    transport,
    limiter,
    userAgent: deps.userAgent ?? `port-ado-sync/${VERSION}`,
    retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    ...(deps.onAnswer ? { onAnswer: deps.onAnswer } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const client = new AzureDevOpsClient(clientDeps);
  return { transport, limiter, client, withSignal: (signal) => new AzureDevOpsClient({ ...clientDeps, signal }, client.metrics) };
}

/** Raised for problems found before any write, that the user must fix (exit code 2). */
export class PreflightError extends Error {}

/** Checks the credential; returns Azure DevOps' own clock (its `Date` header), when it sends one. */
export async function preflightAzureDevOps(ado: AzureDevOpsClient): Promise<Date | undefined> {
  try {
    const response = await ado.request({ path: '_apis/connectionData', apiVersion: '7.1-preview.1' });
    const date = response.headers['date'];
    const at = typeof date === 'string' ? new Date(date) : undefined;
    return at && !Number.isNaN(at.getTime()) ? at : undefined;
  } catch (error) {
    if (error instanceof AzureDevOpsAuthError) throw error;
    throw new PreflightError(`Cannot reach Azure DevOps at ${ado.organization.url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
