import type { AdoRequest, AzureDevOpsClient } from './client';
import { AzureDevOpsResponseError } from './errors';
import type { RawItem } from './paging';
import { isJsonObject } from '../util/json-object';

/**
 * Reads one resource Azure DevOps answers with a single JSON object (a project, a board, a
 * commit, a wiki page…). Any other 200 (an empty body, a list, null, text) is thrown as an
 * AzureDevOpsResponseError naming `what` was read, never spread into an item and mapped: listings
 * check their pages the same way (paging.ts). `what` reads in a sentence: "board 'Stories' of team 'Web'".
 */
export async function readObject(client: AzureDevOpsClient, request: AdoRequest, what: string): Promise<RawItem> {
  return objectAnswer(client, request, (await client.request(request)).body, what);
}

/** `body`, the answer to `request`, checked to be a JSON object (see readObject). */
export function objectAnswer(client: AzureDevOpsClient, request: AdoRequest, body: unknown, what: string): RawItem {
  if (isJsonObject(body)) return body;
  const url = client.urlOf({ ...request, query: {} }).replace(/\?.*$/, '');
  throw new AzureDevOpsResponseError(`Azure DevOps answered the read of ${what} with ${shapeOf(body)}, not a JSON object (${request.method ?? 'GET'} ${url}).`, url);
}

function shapeOf(body: unknown): string {
  if (body === undefined) return 'an empty body';
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'a list';
  if (typeof body === 'string') return 'text';
  return `a ${typeof body}`;
}
