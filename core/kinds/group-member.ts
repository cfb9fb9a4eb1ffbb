import { z } from 'zod';
import type { RawItem } from '../azure-devops/paging';
import { requireCloudService } from './cloud-only';
import { fanOut, ListingFailedError } from './fan-out';
import { directMemberships, SubjectLookup } from './graph-subjects';
import { defineKind, type KindContext } from './kind';
import type { GraphGroup } from './parents';

/** Groups whose members are looked up together. */
const GROUPS_PER_LOOKUP = 100;

function membersOf(ctx: KindContext) {
  return async function* (group: GraphGroup): AsyncGenerator<readonly [GraphGroup, string[]]> {
    yield [group, await directMemberships(ctx, group.descriptor, 'down')] as const;
  };
}

export default defineKind({
  kind: 'group-member',
  scope: 'organization',
  description:
    'Direct members (users and groups) of every graph group, one item per (group, member); nested members are not expanded. Cloud only; the built-in default mapping leaves it out on Azure DevOps Server.',
  selector: z.object({}),
  endpoints: [
    'GET https://vssps.dev.azure.com/{org}/_apis/graph/groups (7.1-preview.1, x-ms-continuationtoken; shared with the group kind)',
    'GET …/_apis/graph/memberships/{group descriptor}?direction=Down (7.1-preview.1, one per group)',
    'POST …/_apis/graph/subjectlookup (7.1-preview.1, for 100 groups at a time in batches of 500 descriptors; each member looked up once per run)',
  ],
  enrichment: { __group: 'the group (graph subject) the item is a member of' },
  availability: 'cloud-only',
  permission: 'Graph (Read)',
  async *list(ctx) {
    requireCloudService(ctx, 'group-member', 'graph');
    const lookup = new SubjectLookup(ctx);
    const groups = await ctx.parents.groups();
    const failures: ListingFailedError['failures'][number][] = [];
    // Groups go in chunks so that one subject lookup (500 descriptors a request) serves many groups.
    for (let start = 0; start < groups.length; start += GROUPS_PER_LOOKUP) {
      const chunk = groups.slice(start, start + GROUPS_PER_LOOKUP);
      const members = new Map<GraphGroup, string[]>();
      try {
        for await (const [group, descriptors] of fanOut(chunk, ctx.concurrency.enrichment, membersOf(ctx), (group) => `members of group ${group.principalName ?? group.descriptor}`)) {
          members.set(group, descriptors);
        }
      } catch (error) {
        // The other groups' members are still right: keep going and fail the listing at the end.
        if (!(error instanceof ListingFailedError)) throw error;
        failures.push(...error.failures);
      }
      const subjects = await lookup.resolve([...members.values()].flat());
      const page = [...members].flatMap(([group, descriptors]) =>
        descriptors.map((d) => subjects.get(d)).filter((s): s is RawItem => s !== undefined).map((subject) => ({ ...subject, __group: group })),
      );
      if (page.length > 0) yield page;
    }
    if (failures.length > 0) throw new ListingFailedError(failures);
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsGroupMember',
        title: 'Group member',
        icon: 'User',
        schema: {
          properties: {
            memberKind: { title: 'Member kind', type: 'string' },
            displayName: { title: 'Display name', type: 'string' },
            principalName: { title: 'Principal name', type: 'string' },
          },
          required: [],
        },
        relations: {
          group: { title: 'Group', target: 'azureDevopsGroup', required: false, many: false },
          user: { title: 'User', target: 'azureDevopsUser', required: false, many: false },
          memberGroup: { title: 'Member group', target: 'azureDevopsGroup', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'group-member',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__group.descriptor + "/" + .descriptor',
              title: '.displayName + " in " + .__group.principalName',
              blueprint: '"azureDevopsGroupMember"',
              properties: {
                memberKind: '.subjectKind',
                displayName: '.displayName',
                principalName: '.principalName',
              },
              relations: {
                group: '.__group.descriptor',
                // Built like the user and group identifiers.
                user: 'if .subjectKind == "user" then .principalName | ascii_downcase | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_") else null end',
                memberGroup: 'if .subjectKind == "group" then .descriptor else null end',
              },
            },
          },
        },
      },
    ],
  },
});
