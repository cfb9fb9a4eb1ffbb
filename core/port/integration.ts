import { z } from 'zod';
import type { PortClient } from './client';
import { fitExamples, trimExample } from './raw-examples';

const integrationSchema = z.looseObject({
  installationId: z.string(),
  installationAppType: z.string().optional(),
  version: z.string().optional(),
  config: z.unknown().optional(),
  arePortResourcesInitialized: z.boolean().optional(),
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
