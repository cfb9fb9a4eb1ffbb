import type { AdoRequest, AzureDevOpsClient } from './client';
import { AzureDevOpsNotFoundError } from './errors';
import type { RawItem } from './paging';
import { objectAnswer } from './read-object';

/**
 * Reads one resource that may have gone since it was listed (a build removed by retention, a run
 * or release deleted): the object, or undefined when the service answers 404. Other errors are
 * thrown, and so is an answer that is not a JSON object (readObject), named by `what`.
 * `emptyIsAbsent`: an empty answer (no body, or null) reads as undefined too, for a resource the
 * service answers that way while it does not exist yet (the timeline of a build not started).
 */
export async function readIfPresent(client: AzureDevOpsClient, request: AdoRequest, what: string, options: { emptyIsAbsent?: boolean } = {}): Promise<RawItem | undefined> {
  let body: unknown;
  try {
    body = (await client.request(request)).body;
  } catch (error) {
    if (error instanceof AzureDevOpsNotFoundError) return undefined;
    throw error;
  }
  if (options.emptyIsAbsent && (body === undefined || body === null)) return undefined;
  return objectAnswer(client, request, body, what);
}
