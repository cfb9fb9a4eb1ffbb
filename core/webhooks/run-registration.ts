import { readFile } from 'node:fs/promises';
import { AzureDevOpsClient, RequestMetrics, type AzureDevOpsCredential } from '../azure-devops/client';
import { parseOrganizationUrl } from '../azure-devops/organization';
import { IdentityRateLimiter } from '../azure-devops/rate-limiter';
import { createHttpTransport } from '../http/transport';
import { DEFAULT_CONCURRENCY, type ConcurrencyPolicy } from '../kinds/kind';
import { ParentListings } from '../kinds/parents';
import type { RunReporter } from '../sync/reporter';
import { preflightAzureDevOps } from '../sync/run';
import { VERSION } from '../version';
import { registerWebhooks, type WebhookSettings } from './register';
import type { WebhookReport } from './report';

/** What `port-ado-sync webhooks` needs from the resolved configuration (SyncConfig satisfies it). */
export type WebhookRunConfig = {
  integration: { identifier: string };
  azureDevOps: { organizationUrl: string; credential: AzureDevOpsCredential; isProjectsLimited: boolean; excludedTags: readonly string[] };
  filters: { projects?: readonly string[] | undefined };
  webhooks: WebhookSettings;
  mode: 'sync' | 'plan' | 'incremental';
  network: { timeoutSeconds: number; proxyUrl?: string | undefined; noProxy?: readonly string[] | undefined; caFile?: string | undefined; rejectUnauthorized?: boolean | undefined };
};

export type WebhookRunDependencies = {
  reporter: RunReporter;
  resolve?: Readonly<Record<string, string>>;
  concurrency?: Partial<ConcurrencyPolicy>;
  signal?: AbortSignal;
};

/**
 * Registration on its own, without a sync (`port-ado-sync webhooks`): the Azure DevOps pre-flight
 * (a bad credential throws, exit code 2, before anything is written), then registration.
 */
export async function runWebhookRegistration(config: WebhookRunConfig, deps: WebhookRunDependencies): Promise<WebhookReport> {
  const concurrency = { ...DEFAULT_CONCURRENCY, ...deps.concurrency };
  const transport = createHttpTransport({
    timeoutSeconds: config.network.timeoutSeconds,
    proxyUrl: config.network.proxyUrl,
    noProxy: config.network.noProxy?.join(','),
    caCertificates: config.network.caFile ? await readFile(config.network.caFile, 'utf8') : undefined,
    rejectUnauthorized: config.network.rejectUnauthorized,
    resolve: deps.resolve,
  });
  const client = new AzureDevOpsClient({
    organization: parseOrganizationUrl(config.azureDevOps.organizationUrl),
    credential: config.azureDevOps.credential,
    transport,
    limiter: new IdentityRateLimiter(concurrency.requests),
    userAgent: `port-ado-sync/${VERSION}`,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  deps.reporter.progress(0, 'Checking credentials');
  await preflightAzureDevOps(client);
  const counted = client.withMetrics(new RequestMetrics());
  const parents = new ParentListings(counted, { include: config.filters.projects ?? [], excludedTags: config.azureDevOps.excludedTags }, concurrency);
  deps.reporter.progress(0.1, 'Registering webhooks');
  const report = await registerWebhooks(
    { settings: config.webhooks, integration: config.integration.identifier, isProjectsLimited: config.azureDevOps.isProjectsLimited, mode: config.mode === 'plan' ? 'plan' : 'apply' },
    { client: counted, parents, reporter: deps.reporter, concurrency: concurrency.projects },
  );
  deps.reporter.progress(1, 'Done');
  return report;
}
