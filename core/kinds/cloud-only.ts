import { NotAvailableOnServerError } from '../azure-devops/errors';
import type { ServiceHost } from '../azure-devops/organization';
import type { KindContext } from './kind';

const SERVICE_NAMES: Partial<Record<ServiceHost, string>> = {
  graph: 'graph (vssps)',
  entitlements: 'user entitlements (vsaex)',
  advancedSecurity: 'Advanced Security (advsec)',
};

/**
 * Stops a cloud-only kind before its first request on Azure DevOps Server, with a message that
 * names the kind (the client's own error names only the service). Server has no graph,
 * entitlements or Advanced Security at all (azure-devops-api.md §5.3); the run goes on with the
 * other kinds.
 */
export function requireCloudService(ctx: KindContext, kind: string, service: ServiceHost): void {
  if (ctx.organization.services[service]) return;
  throw new NotAvailableOnServerError(
    `The '${kind}' kind is not available on Azure DevOps Server: it reads the ${SERVICE_NAMES[service] ?? service} service, which only Azure DevOps Services (dev.azure.com) has. Remove the '${kind}' resource from the mapping used with ${ctx.organization.url}.`,
  );
}
