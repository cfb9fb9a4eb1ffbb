import type { AzureDevOpsCredential } from '../azure-devops/client';
import type { NetworkSettings } from '../azure-devops/connect';
import type { IncrementalSettings } from '../incremental/listing-plan';
import type { WebhookSettings } from '../webhooks/register';

/**
 * What the engine needs from the resolved configuration (core/config's SyncConfig satisfies it).
 * Kept as a structural type so the engine depends on the meaning of settings, not on how the
 * front doors read them.
 */
export type EngineConfig = {
  port: { clientId: string; clientSecret: string; baseUrl: string };
  integration: { identifier: string };
  azureDevOps: { organizationUrl: string; credential: AzureDevOpsCredential; excludedTags: readonly string[]; isProjectsLimited?: boolean };
  /** `origin`: the name an inline mapping's problems are reported under (a config file), else `inline mapping`. */
  mapping: { source: 'port' } | { source: 'file'; path: string } | { source: 'inline'; yaml: string; origin?: string | undefined };
  initializePortResources: boolean;
  sendRawDataExamples: boolean;
  scheduledResyncIntervalMinutes?: number | undefined;
  mode: 'sync' | 'plan' | 'incremental';
  /** How incremental runs list and keep cursors (core/incremental); the defaults when absent. */
  incremental?: IncrementalSettings;
  filters: { kinds?: readonly string[] | undefined; projects?: readonly string[] | undefined };
  /** Service-hook registration after the sync, when `register` is set (core/webhooks). */
  webhooks?: Omit<WebhookSettings, 'baseUrl'> & { register: boolean; baseUrl?: string | undefined };
  /** Job `index` of `count` parallel jobs splitting the organization (core/shards); absent or 1 job: the whole organization. */
  shard?: { index: number; count: number } | undefined;
  network: NetworkSettings;
};
