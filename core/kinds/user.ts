import { z } from 'zod';
import { listPages, paging, type Paging, type RawItem } from '../azure-devops/paging';
import type { AdoRequest } from '../azure-devops/client';
import { requireCloudService } from './cloud-only';
import { fanOut } from './fan-out';
import { directMemberships, projectNameOfGroup, SubjectLookup } from './graph-subjects';
import { defineKind, type KindContext, type Page } from './kind';
import { dateOrNull } from './mapping-idioms';
import { flag, stringList } from './selector-types';

const API_VERSION = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/;

const selector = z.object({
  source: z
    .enum(['entitlements', 'graph'])
    .default('entitlements')
    .describe('`entitlements`: licensed users with access levels (vsaex; needs Member Entitlement Management read). `graph`: every graph user (vssps; needs only Graph read).'),
  subjectTypes: stringList().optional().describe('Source graph: only these subject types (descriptor prefixes such as `aad`, `msa`, `svc`), sent as `subjectTypes`.'),
  includeFields: z
    .array(z.enum(['license', 'extensions', 'projects', 'groupRules']))
    .optional()
    .describe('Source entitlements: the properties to select (`select`): license, extensions, projects, groupRules.'),
  apiVersion: z
    .string()
    .regex(API_VERSION, 'must look like 7.1 or 6.0-preview.3')
    .optional()
    .describe('Source entitlements: the api-version (default `7.1`). Below 7.0 the legacy list is read with `top`/`skip`.'),
  includeGroupMemberships: flag(false).describe(
    "Adds `__groups` (the groups the user is a direct member of) and `__projects` (their projects' names): one memberships request per user, plus one subject lookup per page of users for the groups not seen yet (500 a request). Works with either source.",
  ),
});
type Selector = z.output<typeof selector>;

export default defineKind({
  kind: 'user',
  scope: 'organization',
  description:
    'Users of the organization, from user entitlements (default) or from the graph. Cloud only: Azure DevOps Server has neither service, and the built-in default mapping leaves this kind out there.',
  selector,
  endpoints: [
    'GET https://vsaex.dev.azure.com/{org}/_apis/userentitlements (source entitlements; 7.1, continuation token in the body, items in `items`; below 7.0: `top`/`skip`)',
    'GET https://vssps.dev.azure.com/{org}/_apis/graph/users (source graph; 7.1-preview.1, x-ms-continuationtoken)',
    'GET https://vssps.dev.azure.com/{org}/_apis/graph/memberships/{descriptor}?direction=Up, POST …/_apis/graph/subjectlookup (with includeGroupMemberships; 7.1-preview.1)',
  ],
  enrichment: {
    __groups: 'with includeGroupMemberships: the graph groups the user is a direct member of',
    __projects: 'with includeGroupMemberships: names of the projects of those groups (from `[Project]\\Group`; organization-level groups excluded)',
  },
  availability: 'cloud-only',
  permission: 'Member Entitlement Management (Read) for source entitlements; Graph (Read) for source graph and group memberships',
  async *list(ctx, s) {
    requireCloudService(ctx, 'user', s.source === 'graph' ? 'graph' : 'entitlements');
    if (s.includeGroupMemberships) requireCloudService(ctx, 'user', 'graph');
    warnAboutUnusedKeys(ctx, s);
    const { request, strategy } = s.source === 'graph' ? graphUsers(s) : entitlements(s);
    const lookup = new SubjectLookup(ctx);
    for await (const page of listPages(ctx.client, request, strategy)) {
      yield s.includeGroupMemberships ? await withGroups(ctx, page, lookup) : page;
    }
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsUser',
        title: 'User',
        icon: 'User',
        schema: {
          properties: {
            email: { title: 'Email', type: 'string' },
            principalName: { title: 'Principal name', type: 'string' },
            origin: { title: 'Origin', type: 'string' },
            license: { title: 'Access level', type: 'string' },
            licenseStatus: { title: 'Access level status', type: 'string' },
            dateCreated: { title: 'Added', type: 'string', format: 'date-time' },
            lastAccessed: { title: 'Last access', type: 'string', format: 'date-time' },
            descriptor: { title: 'Descriptor', type: 'string' },
          },
          required: [],
        },
        relations: {},
      },
    ],
    resources: [
      {
        kind: 'user',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // The principal name (the sign-in email), lowercased: the same key team members
              // (`identity.uniqueName`) and group members (`principalName`) carry, whichever
              // source the items come from (entitlements nest the user under `.user`).
              identifier: '(.user // .).principalName | ascii_downcase | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_")',
              title: '(.user // .).displayName',
              blueprint: '"azureDevopsUser"',
              properties: {
                email: '(.user // .).mailAddress',
                principalName: '(.user // .).principalName',
                origin: '(.user // .).origin',
                license: '.accessLevel.licenseDisplayName',
                licenseStatus: '.accessLevel.status',
                dateCreated: '.dateCreated',
                lastAccessed: dateOrNull('.lastAccessedDate'),
                descriptor: '(.user // .).descriptor',
              },
            },
          },
        },
      },
    ],
  },
});

function entitlements(s: Selector): { request: AdoRequest; strategy: Paging } {
  const apiVersion = s.apiVersion ?? '7.1';
  const request: AdoRequest = { service: 'entitlements', path: '_apis/userentitlements', query: { select: s.includeFields?.join(',') }, apiVersion };
  // Before 7.0 the list pages with top/skip and answers {count, value}; from 7.0 on it is the
  // search API with the continuation token in the body (azure-devops-api.md §1.4 item 3).
  const legacy = Number(API_VERSION.exec(apiVersion)?.[1] ?? 7) < 7;
  return { request, strategy: legacy ? paging.topSkip(100, 'top', 'skip') : paging.continuationBody({ itemsField: 'items' }) };
}

function graphUsers(s: Selector): { request: AdoRequest; strategy: Paging } {
  return {
    request: { service: 'graph', path: '_apis/graph/users', query: { subjectTypes: s.subjectTypes?.join(',') }, apiVersion: '7.1-preview.1' },
    // The graph sizes its own pages; only the header token says more remain (azure-devops-api.md §3.3).
    strategy: paging.continuationHeader(500),
  };
}

function warnAboutUnusedKeys(ctx: KindContext, s: Selector): void {
  const unused = s.source === 'graph' ? [s.includeFields && 'includeFields', s.apiVersion && 'apiVersion'] : [s.subjectTypes && 'subjectTypes'];
  for (const key of unused) if (key) ctx.listing.warn(`selector key '${key}' does not apply to source '${s.source}' and is ignored`);
}

function descriptorOf(item: RawItem): string | undefined {
  const user = (item.user ?? item) as RawItem;
  return typeof user.descriptor === 'string' ? user.descriptor : undefined;
}

/** Adds Ocean's `__groups` and `__projects`: direct group memberships, resolved to subjects. */
async function withGroups(ctx: KindContext, page: Page, lookup: SubjectLookup): Promise<Page> {
  const containers = new Map<RawItem, string[]>();
  const branches = fanOut(
    page,
    ctx.concurrency.enrichment,
    async function* (item: RawItem) {
      const descriptor = descriptorOf(item);
      yield [item, descriptor ? await directMemberships(ctx, descriptor, 'up') : []] as const;
    },
    (item) => `group memberships of ${descriptorOf(item) ?? 'a user without descriptor'}`,
  );
  for await (const [item, groups] of branches) containers.set(item, groups);
  const subjects = await lookup.resolve([...containers.values()].flat());
  return page.map((item) => {
    const groups = (containers.get(item) ?? []).map((d) => subjects.get(d)).filter((g): g is RawItem => g !== undefined);
    const projects = [...new Set(groups.map(projectNameOfGroup).filter((p): p is string => p !== undefined))];
    return { ...item, __groups: groups, __projects: projects };
  });
}
