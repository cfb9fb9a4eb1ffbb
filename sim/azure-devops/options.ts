import type { ScaleOption } from './model/scale';
import type { BearerTokenOption } from './server/auth';
import type { ThrottleConfig } from './server/throttle';

export interface WebhookOptions {
  /** How long a delivery may take before it counts as failed. Default 10,000 ms. */
  timeoutMs?: number;
  /** Consecutive failures before a subscription is put on probation. Default 1. */
  probationAfterFailures?: number;
  /** Consecutive failures before the service disables it (`disabledBySystem`). Default 5. */
  disableAfterFailures?: number;
  /** Reject loopback and private targets, as the real service does (services/webhooks.md). Default false. */
  strict?: boolean;
}

export interface AzureDevOpsSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Organization (cloud) or collection (Server) name. Default `demo-org`. */
  org?: string;
  /** Seed of the generated organization. Default 1. */
  seed?: number;
  /** `tiny`, `small` (default), `medium`, `large`, or counts per entity type (`{ base: 'small', workItems: 25000 }`). */
  scale?: ScaleOption;
  /** Reference time the generated history ends at. Default: today 00:00 UTC. */
  referenceTime?: number | string | Date;
  /** Accepted PAT(s); when absent any PAT is accepted. */
  pat?: string | string[];
  /** Accepted Bearer tokens, optionally scoped to projects (a project-scoped `System.AccessToken`). */
  bearerTokens?: (string | BearerTokenOption)[];
  /** How long every API answer takes, the simulator's own work included. Default 0. */
  latencyMs?: number;
  /** Generate every record at start (and at each reset) rather than on first read (`OrganizationModel.warm`). */
  warm?: boolean;
  /**
   * Replay an answer, already serialized, while the organization is unchanged
   * (`server/answer-memo.ts`): the simulator's CPU then stays off the client's cores on a second
   * read. Default false.
   */
  memo?: boolean;
  /** Requests in flight per identity; the rest wait. Default unlimited. */
  maxConcurrentRequests?: number;
  /** TSTU throttling. `true` = the documented defaults (200 TSTU / 5 min); absent/false = off. */
  throttle?: Partial<ThrottleConfig> | boolean;
  webhooks?: WebhookOptions;
}

export function referenceTimeOf(value: AzureDevOpsSimulatorOptions['referenceTime']): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`referenceTime '${String(value)}' is not a valid date; use an ISO date such as 2024-05-01T00:00:00Z.`);
  return ms;
}
