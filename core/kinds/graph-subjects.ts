import { z } from 'zod';
import { AzureDevOpsNotFoundError, AzureDevOpsResponseError } from '../azure-devops/errors';
import type { RawItem } from '../azure-devops/paging';
import type { KindContext } from './kind';

/**
 * Graph memberships and subject lookups, shared by the user (group memberships) and group-member
 * kinds. Both live on the vssps host and are cloud only.
 */

/** The graph answers at most 500 descriptors per subject lookup (Ocean's batch size). */
const LOOKUP_BATCH = 500;
const GRAPH_VERSION = '7.1-preview.1';

const membershipList = z.object({ value: z.array(z.looseObject({ containerDescriptor: z.string(), memberDescriptor: z.string() })) });
const lookupAnswer = z.object({ value: z.record(z.string(), z.record(z.string(), z.unknown())) });

/**
 * Direct memberships of a subject: `up` gives the groups it belongs to, `down` the members of a
 * group. A subject removed since it was listed has no memberships (404), not a failure.
 */
export async function directMemberships(ctx: KindContext, descriptor: string, direction: 'up' | 'down'): Promise<string[]> {
  const path = `_apis/graph/memberships/${encodeURIComponent(descriptor)}`;
  let body: unknown;
  try {
    body = (await ctx.client.request({ service: 'graph', path, query: { direction: direction === 'up' ? 'Up' : 'Down' }, apiVersion: GRAPH_VERSION })).body;
  } catch (error) {
    if (error instanceof AzureDevOpsNotFoundError) return [];
    throw error;
  }
  const parsed = membershipList.safeParse(body);
  if (!parsed.success) throw new AzureDevOpsResponseError(`The graph memberships of ${descriptor} did not answer with a list of memberships.`, ctx.client.urlOf({ service: 'graph', path, apiVersion: GRAPH_VERSION }));
  return parsed.data.value.map((m) => (direction === 'up' ? m.containerDescriptor : m.memberDescriptor));
}

/**
 * Resolves descriptors to graph subjects (users, groups) with `POST graph/subjectlookup`, in
 * batches of 500, each descriptor once per run however many listings mention it.
 */
export class SubjectLookup {
  /** Per descriptor, the pending or finished lookup (concurrent listings share one request). */
  private readonly known = new Map<string, Promise<RawItem | null>>();

  constructor(private readonly ctx: KindContext) {}

  /** The subjects of these descriptors; a descriptor the graph does not know is left out. */
  async resolve(descriptors: Iterable<string>): Promise<Map<string, RawItem>> {
    const wanted = [...new Set(descriptors)];
    const missing = wanted.filter((d) => !this.known.has(d));
    for (let start = 0; start < missing.length; start += LOOKUP_BATCH) {
      const batch = missing.slice(start, start + LOOKUP_BATCH);
      const answer = this.lookup(batch);
      for (const descriptor of batch) {
        const subject = answer.then((subjects) => subjects[descriptor] ?? null);
        // Awaited below (or by a concurrent caller); marked handled so a failed batch is raised once.
        subject.catch(() => undefined);
        this.known.set(descriptor, subject);
      }
    }
    const found = new Map<string, RawItem>();
    for (const descriptor of wanted) {
      const subject = await this.known.get(descriptor);
      if (subject) found.set(descriptor, subject);
    }
    return found;
  }

  private async lookup(batch: string[]): Promise<Record<string, RawItem>> {
    const request = { service: 'graph', path: '_apis/graph/subjectlookup', apiVersion: GRAPH_VERSION } as const;
    const response = await this.ctx.client.request({ ...request, method: 'POST', body: { lookupKeys: batch.map((descriptor) => ({ descriptor })) }, readOnly: true });
    const parsed = lookupAnswer.safeParse(response.body);
    if (!parsed.success) throw new AzureDevOpsResponseError('The graph subject lookup did not answer with a dictionary of subjects.', this.ctx.client.urlOf(request));
    return parsed.data.value;
  }
}

/**
 * The project a group belongs to, from its principal name `[Project]\Group` (Ocean's `__projects`).
 * Organization-level groups (`[org]\…`, domain `vstfs:///Framework/IdentityDomain/…`) belong to
 * none; Ocean counted the organization name as a project.
 */
export function projectNameOfGroup(group: RawItem): string | undefined {
  const principal = typeof group.principalName === 'string' ? group.principalName : '';
  const name = /^\[([^\]]+)\]\\/.exec(principal)?.[1];
  if (!name) return undefined;
  const domain = typeof group.domain === 'string' ? group.domain : undefined;
  if (domain !== undefined && !domain.startsWith('vstfs:///Classification/TeamProject/')) return undefined;
  return name;
}

/** The project id of a project-scoped group, from its domain `vstfs:///Classification/TeamProject/{id}`. */
export function projectIdOfGroup(group: RawItem): string | undefined {
  const domain = typeof group.domain === 'string' ? group.domain : '';
  return /^vstfs:\/\/\/Classification\/TeamProject\/([0-9a-f-]+)$/i.exec(domain)?.[1]?.toLowerCase();
}
