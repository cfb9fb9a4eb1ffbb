import type { PageLimit } from './paging';

/**
 * Page sizes per endpoint. Documented or reported values come first (azure-devops-api.md §3.3);
 * where nothing is documented the simulator picks a plausible value that is *small*, so a client
 * that forgets to follow a continuation is caught here rather than on a large real organization.
 * Each entry says which it is; docs/simulators/azure-devops.md repeats the table.
 */
export const PAGE_LIMITS = {
  /** reported: default 100, `$top` accepted up to at least 1000 (vsts-rest-api-specs#275). */
  projects: { defaultTop: 100, maxTop: 1000 },
  /** sim choice: default 100 (as the portal), cap 1000. */
  teams: { defaultTop: 100, maxTop: 1000 },
  /** sim choice. */
  teamMembers: { defaultTop: 100, maxTop: 1000 },
  /** spec: `$top` "cannot be bigger than 1000"; without `$top` and token, all refs. */
  refs: { defaultTop: undefined, maxTop: 1000 },
  /** spec: 100 when a continuation token is sent without `$top`. */
  refsWithToken: { defaultTop: 100, maxTop: 1000 },
  /** sim choice: without `$top` all configurations; cap 1000. */
  policyConfigurations: { defaultTop: undefined, maxTop: 1000 },
  /** reported: default 101; at most 1000 per call (vsts-rest-api-specs#405, #539). */
  pullRequests: { defaultTop: 101, maxTop: 1000 },
  /** sim choice. */
  pipelines: { defaultTop: 100, maxTop: 1000 },
  /** spec: "Gets top 10000 runs", no paging. */
  pipelineRuns: { defaultTop: 10_000, maxTop: 10_000 },
  /** sim choice (the service's real default is not documented). */
  builds: { defaultTop: 1000, maxTop: 5000 },
  /** sim choice. */
  buildDefinitions: { defaultTop: 100, maxTop: 1000 },
  /** spec: "Default is 50"; reported max 100 (node-api #395). */
  releases: { defaultTop: 50, maxTop: 100 },
  /** sim choice, same as releases. */
  releaseDefinitions: { defaultTop: 50, maxTop: 100 },
  /** sim choice, same as releases. */
  releaseDeployments: { defaultTop: 50, maxTop: 100 },
  /** sim choice. */
  environments: { defaultTop: 50, maxTop: 1000 },
  /** reported: default 25 (node-api #623); sim cap 1000. */
  deploymentRecords: { defaultTop: 25, maxTop: 1000 },
  /** sim choice: the service decides the graph page size; no `$top` parameter exists. */
  graph: { defaultTop: 500, maxTop: 500 },
  /** sim choice: the 7.1 search API has no `$top`; page of 100. */
  userEntitlements: { defaultTop: 100, maxTop: 100 },
  /** sim choice: the pre-7.0 `top`/`skip` list (public scripts ask `top=10000` in one call). */
  userEntitlementsLegacy: { defaultTop: 100, maxTop: 10_000 },
  /** sim choice. */
  testRuns: { defaultTop: 100, maxTop: 1000 },
  /** sim choice. */
  testResults: { defaultTop: 1000, maxTop: 1000 },
  /** sim choice. */
  alerts: { defaultTop: 100, maxTop: 1000 },
  /** sim choice: pages batch `top` default 20 (docs: "not more than 100"), cap 100. */
  wikiPagesBatch: { defaultTop: 20, maxTop: 100 },
  /** spec: workitemsbatch and GET workitems take at most 200 ids (VS403474). */
  workItemsBatch: { defaultTop: 200, maxTop: 200 },
  /** documented: WIQL returns at most 20,000 ids (VS402337). */
  wiql: { defaultTop: 20_000, maxTop: 20_000 },
  /** sim choice. */
  commits: { defaultTop: 100, maxTop: 1000 },
  /** documented: subject lookups in batches (Ocean uses 500). */
  subjectLookup: { defaultTop: 500, maxTop: 500 },
} satisfies Record<string, PageLimit>;

export type PageLimitName = keyof typeof PAGE_LIMITS;
