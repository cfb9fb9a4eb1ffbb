import { z } from 'zod';
import type { PortClient } from './client';
import { fitExamples, trimExample } from './raw-examples';

const integrationSchema = z.looseObject({
  installationId: z.string(),
  installationAppType: z.string().optional(),
  version: z.string().optional(),
  config: z.unknown().optional(),
  arePortResourcesInitialized: z.boolean().optional(),
  /** Ocean's origin of the default resources; `Empty`: none are created (§2.2). */
  createPortResourcesOrigin: z.string().nullish(),
  installationType: z.string().optional(),
});

export type PortIntegration = z.infer<typeof integrationSchema>;

export type ResyncState = {
  status: 'running' | 'completed' | 'failed' | 'aborted';
  lastResyncStart?: string;
  lastResyncEnd: string | null;
  nextResync: string | null;
  /** Port's real field name, misspelt (port-api-and-ocean-core.md §2.5). */
  intervalInMinuets: number | null;
};

const path = (identifier: string) => `/v1/integration/${encodeURIComponent(identifier)}`;

/** The integration record in Port: registration, its stored mapping, resync state and raw examples. */
export class IntegrationApi {
  constructor(
    private readonly port: PortClient,
    readonly identifier: string,
  ) {}

  async get(): Promise<PortIntegration | undefined> {
    const response = await this.port.request({ method: 'GET', path: path(this.identifier), retryable: true, accept: [404] });
    if (response.status === 404) return undefined;
    const parsed = z.object({ integration: integrationSchema }).safeParse(response.body);
    if (!parsed.success) throw new Error(`Port answered GET integration '${this.identifier}' without an integration object.`);
    return parsed.data.integration;
  }

  async create(body: { installationAppType: string; version: string; config: Record<string, unknown> }): Promise<void> {
    await this.port.request({
      method: 'POST',
      path: '/v1/integration',
      body: { installationId: this.identifier, changelogDestination: {}, actionsProcessingEnabled: false, incrementalSyncEnabled: false, createPortResourcesOrigin: 'Default', ...body },
      retryable: false,
    });
  }

  async patch(body: Record<string, unknown>): Promise<void> {
    await this.port.request({ method: 'PATCH', path: path(this.identifier), body, retryable: false });
  }

  async patchConfig(config: Record<string, unknown>): Promise<void> {
    await this.port.request({ method: 'PATCH', path: `${path(this.identifier)}/config`, body: { config }, retryable: false });
  }

  async reportResyncState(state: ResyncState): Promise<void> {
    await this.port.request({ method: 'PATCH', path: `${path(this.identifier)}/resync-state`, body: state, retryable: false });
  }

  /**
   * Sends raw data examples sized for Port (raw-examples.ts): long strings cut, the last examples
   * left out while the body is over EXAMPLES_BODY_MAX_BYTES. Nothing is sent when not even one fits.
   */
  async sendExamples(kind: string, examples: readonly unknown[]): Promise<{ sent: number; dropped: number; bytes: number }> {
    const fit = fitExamples(examples.map((example) => trimExample(example)));
    if (fit.examples.length > 0) {
      const bodyText = JSON.stringify({ examples: fit.examples });
      await this.port.request({ method: 'POST', path: `${path(this.identifier)}/kinds/${encodeURIComponent(kind)}/examples`, bodyText, retryable: false });
    }
    return { sent: fit.examples.length, dropped: fit.dropped, bytes: fit.bytes };
  }
}

/** An integration of this identifier that Port runs itself: this tool must not write as it. */
export class HostedIntegrationError extends Error {}

/**
 * Ocean's check on a self-hosted run (port-api-and-ocean-core.md §1, step 2): an integration Port
 * hosts under the same identifier writes the same entities, and the two would undo each other.
 */
export function requireSelfHosted(existing: PortIntegration | undefined, identifier: string): void {
  const type = existing?.installationType;
  if (type === undefined || type === 'OnPrem') return;
  throw new HostedIntegrationError(
    `Integration '${identifier}' in Port is installed as '${type}', run by Port itself, not self-hosted ('OnPrem') as this tool runs. Both would write and delete the same entities: give this one its own integration identifier (OCEAN__INTEGRATION__IDENTIFIER, or the step's integration identifier input), or remove the hosted installation.`,
  );
}
