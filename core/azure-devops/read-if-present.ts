import type { AdoRequest, AzureDevOpsClient } from './client';
import { AzureDevOpsNotFoundError } from './errors';

/**
 * Reads one resource that may have gone since it was listed (a build removed by retention, a run
 * or release deleted): its body, or undefined when the service answers 404. Other errors are thrown.
 */
export async function readIfPresent(client: AzureDevOpsClient, request: AdoRequest): Promise<{ body: unknown } | undefined> {
  try {
    return { body: (await client.request(request)).body };
  } catch (error) {
    if (error instanceof AzureDevOpsNotFoundError) return undefined;
    throw error;
  }
}
