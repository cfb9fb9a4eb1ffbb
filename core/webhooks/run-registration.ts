import { RequestMetrics, type AzureDevOpsCredential, type RetryPolicy } from '../azure-devops/client';
import { connectAzureDevOps, preflightAzureDevOps, type NetworkSettings } from '../azure-devops/connect';
import { DEFAULT_CONCURRENCY, type ConcurrencyPolicy } from '../kinds/kind';
import { ParentListings } from '../kinds/parents';
import type { RunReporter } from '../sync/reporter';
import { registerWebhooks, type WebhookSettings } from './register';
import type { WebhookReport } from './report';

/** What `port-ado-sync webhooks` needs from the resolved configuration (SyncConfig satisfies it). */
export type WebhookRunConfig = {
  integration: { identifier: string };
  azureDevOps: { organizationUrl: string; credential: AzureDevOpsCredential; isProjectsLimited: boolean; excludedTags: readonly string[] };
  filters: { projects?: readonly string[] | undefined };
  webhooks: WebhookSettings;
  mode: 'sync' | 'plan' | 'incremental';
  network: NetworkSettings;
  /** `debug`: a debug line for every answer from Azure DevOps, as the sync writes. */
  logLevel?: 'info' | 'debug' | undefined;
};

export type WebhookRunDependencies = {
  reporter: RunReporter;
  /** A debug line for every answer from Azure DevOps; by default when the configuration's log level is debug. */
  logRequests?: boolean;
  resolve?: Readonly<Record<string, string>>;
  concurrency?: Partial<ConcurrencyPolicy>;
  signal?: AbortSignal;
  /** The client's retry attempts and backoff, over the default policy (as for the sync; tests shorten them). */
  retry?: { azureDevOps?: Partial<RetryPolicy> };
};

/**
 * Registration on its own, without a sync (`port-ado-sync webhooks`): the Azure DevOps pre-flight
 * (a bad credential throws, exit code 2, before anything is written), then registration.
 */
export async function runWebhookRegistration(config: WebhookRunConfig, deps: WebhookRunDependencies): Promise<WebhookReport> {
  const concurrency = { ...DEFAULT_CONCURRENCY, ...deps.concurrency };
  const logRequests = deps.logRequests ?? config.logLevel === 'debug';
  const { client } = await connectAzureDevOps(
    { organizationUrl: config.azureDevOps.organizationUrl, credential: config.azureDevOps.credential, network: config.network },
    {
      maxConcurrent: concurrency.requests,
      resolve: deps.resolve,
      retry: deps.retry?.azureDevOps,
      signal: deps.signal,
      ...(logRequests ? { onAnswer: (line: string) => deps.reporter.debug(line) } : {}),
    },
  );
  deps.reporter.progress(0, 'Checking credentials');
  await preflightAzureDevOps(client);
  const counted = client.withMetrics(new RequestMetrics());
  const parents = new ParentListings(counted, { include: config.filters.projects ?? [], excludedTags: config.azureDevOps.excludedTags }, concurrency);
  deps.reporter.progress(0.1, 'Registering webhooks');
  const report = await registerWebhooks(
    // The webhooks command has no sync to report first: a configuration problem found against
    // what Azure DevOps holds (a missing secret) ends it as one (exit 2), before any write.
    { settings: config.webhooks, integration: config.integration.identifier, isProjectsLimited: config.azureDevOps.isProjectsLimited, mode: config.mode === 'plan' ? 'plan' : 'apply', configurationProblems: 'throw' },
    { client: counted, parents, reporter: deps.reporter, concurrency: concurrency.projects },
  );
  deps.reporter.progress(1, 'Done');
  return report;
}
