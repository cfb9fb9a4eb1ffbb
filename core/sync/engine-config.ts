import type { AzureDevOpsCredential } from '../azure-devops/client';

/**
 * What the engine needs from the resolved configuration (core/config's SyncConfig satisfies it).
 * Kept as a structural type so the engine depends on the meaning of settings, not on how the
 * front doors read them.
 */
export type EngineConfig = {
  port: { clientId: string; clientSecret: string; baseUrl: string };
  integration: { identifier: string };
  azureDevOps: { organizationUrl: string; credential: AzureDevOpsCredential; excludedTags: readonly string[] };
  mapping: { source: 'port' } | { source: 'file'; path: string } | { source: 'inline'; yaml: string };
  initializePortResources: boolean;
  sendRawDataExamples: boolean;
  scheduledResyncIntervalMinutes?: number | undefined;
  mode: 'sync' | 'plan';
  filters: { kinds?: readonly string[] | undefined; projects?: readonly string[] | undefined };
  network: { timeoutSeconds: number; proxyUrl?: string | undefined; noProxy?: readonly string[] | undefined; caFile?: string | undefined; rejectUnauthorized?: boolean | undefined };
};
