import { AzureDevOpsClient, type RetryPolicy } from '../../core/azure-devops/client';
import { parseOrganizationUrl } from '../../core/azure-devops/organization';
import { IdentityRateLimiter } from '../../core/azure-devops/rate-limiter';
import { createHttpTransport } from '../../core/http/transport';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';

/** The engine's Azure DevOps client on the simulator's server URL, over real sockets, with a PAT. */
export function simulatorClient(sim: AzureDevOpsSimulator, token: string, options: { concurrency?: number; retry?: RetryPolicy } = {}): AzureDevOpsClient {
  return new AzureDevOpsClient({
    organization: parseOrganizationUrl(sim.serverUrl),
    credential: { type: 'pat', token },
    transport: createHttpTransport({ timeoutSeconds: 30 }),
    limiter: new IdentityRateLimiter(options.concurrency ?? 4),
    userAgent: 'port-ado-sync-tests',
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
