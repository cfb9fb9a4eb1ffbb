import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsResponseError } from '../azure-devops/errors';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';

const projectSchema = z.looseObject({ id: z.string(), name: z.string(), state: z.string().optional() });
/** A repository as the listing and Repositories - Get answer it, checked for what the sync relies on. */
export const repositorySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  project: z.looseObject({ id: z.string(), name: z.string(), state: z.string().optional() }),
  defaultBranch: z.string().optional(),
  isDisabled: z.boolean().optional(),
});
const teamSchema = z.looseObject({ id: z.string(), name: z.string() });
const orgTeamSchema = teamSchema.extend({ projectId: z.string() });
const pipelineSchema = z.looseObject({ id: z.number(), name: z.string() });
const groupSchema = z.looseObject({ descriptor: z.string(), displayName: z.string().optional(), principalName: z.string().optional(), domain: z.string().optional() });
const environmentSchema = z.looseObject({ id: z.number(), name: z.string() });

export type Project = z.infer<typeof projectSchema>;
export type Repository = z.infer<typeof repositorySchema>;
export type Team = z.infer<typeof teamSchema> & { __project: Project };
export type Pipeline = z.infer<typeof pipelineSchema> & { __project: Project };
export type GraphGroup = z.infer<typeof groupSchema>;
export type Environment = z.infer<typeof environmentSchema> & { __project: Project };

export type ProjectScope = {
  /** Project names or ids to include; empty means every project the identity can see. */
  include: readonly string[];
  /** Projects carrying any of these tags are skipped with everything under them (Ocean's excludedTags). */
  excludedTags: readonly string[];
  /** Sharded runs (core/shards): only the projects this shard syncs. Applied before the tag lookups. */
  partition?: (project: Project) => boolean;
};

const UNHEALTHY_PROJECT_STATES = new Set(['deleted', 'deleting', 'new', 'createPending']);

/**
 * The parent listings that several kinds fan out over (projects → repositories, teams, pipelines),
 * listed once per run and shared, as Ocean's resync cache does. A failed parent listing fails every
 * kind that needs it, which keeps their deletions off.
 */
export class ParentListings {
  constructor(
    private readonly client: AzureDevOpsClient,
    private readonly scope: ProjectScope,
    private readonly concurrency: { projects: number },
    private readonly cache = new Map<string, Promise<unknown>>(),
  ) {}

  /** The same shared listings, loading through `client` (so the kind that loads first pays, and says so). */
  withClient(client: AzureDevOpsClient): ParentListings {
    return new ParentListings(client, this.scope, this.concurrency, this.cache);
  }

  /** True when the scope is every project the identity sees (no projects filter, no excluded tags, not a shard's share). */
  get coversOrganization(): boolean {
    return this.scope.include.length === 0 && this.scope.excludedTags.length === 0 && this.scope.partition === undefined;
  }

  /** The projects in scope, in the order Azure DevOps lists them. */
  projects(): Promise<Project[]> {
    return this.memo('projects', async () => {
      const all: Project[] = [];
      for await (const page of listPages(this.client, { path: '_apis/projects', apiVersion: '7.1' }, paging.continuationHeader(500))) {
        for (const item of page) all.push(parse(projectSchema, item, 'project'));
      }
      const wanted = new Set(this.scope.include.map((p) => p.toLowerCase()));
      const named = wanted.size === 0 ? all : all.filter((p) => wanted.has(p.id.toLowerCase()) || wanted.has(p.name.toLowerCase()));
      const included = this.scope.partition ? named.filter(this.scope.partition) : named;
      return this.scope.excludedTags.length === 0 ? included : this.withoutExcludedTags(included);
    });
  }

  /**
   * Every repository of the projects in scope, disabled ones included (the repository kind lists
   * them): one organization-wide listing, as the fewest requests allow, filtered to the scope.
   */
  repositories(): Promise<Repository[]> {
    return this.memo('repositories', async () => {
      const inScope = new Set((await this.projects()).map((p) => p.id));
      const out: Repository[] = [];
      for await (const page of listPages(this.client, { path: '_apis/git/repositories', apiVersion: '7.1' }, paging.single())) {
        for (const item of page) {
          const repository = parse(repositorySchema, item, 'repository');
          if (inScope.has(repository.project.id)) out.push(repository);
        }
      }
      return out;
    });
  }

  /** Repositories worth fanning out over: enabled, in a project that is well formed. */
  async healthyRepositories(): Promise<Repository[]> {
    return (await this.repositories()).filter((r) => !r.isDisabled && !UNHEALTHY_PROJECT_STATES.has(r.project.state ?? 'wellFormed'));
  }

  /**
   * Every team of every project in scope (all pages: Ocean reads only the first for iterations),
   * from the organization-wide team list rather than one list per project. Pages of 100, the size
   * team lists default to: a service that capped `$top` lower would end a `$top/$skip` listing early.
   */
  teams(): Promise<Team[]> {
    return this.memo('teams', async () => {
      const byId = new Map((await this.projects()).map((p) => [p.id, p]));
      const teams: Team[] = [];
      for await (const page of listPages(this.client, { path: '_apis/teams', apiVersion: '7.1-preview.3' }, paging.topSkip(100))) {
        for (const item of page) {
          const team = parse(orgTeamSchema, item, 'team');
          const project = byId.get(team.projectId);
          if (project) teams.push({ ...team, __project: project });
        }
      }
      return teams;
    });
  }

  /** Every pipeline of every project in scope: each project's listing, shared with `pipelinesOf`. */
  pipelines(): Promise<Pipeline[]> {
    return this.memo('pipelines', async () => {
      const out: Pipeline[] = [];
      const pages = fanOut(await this.projects(), this.concurrency.projects, (project) => this.pipelinePages(project), (project) => `project ${project.name}`);
      for await (const page of pages) out.push(...page);
      return out;
    });
  }

  /**
   * The pipelines of one project. An incremental run asks only for the projects where something
   * ran (pipeline-run), which is fewer requests than every project's listing.
   */
  pipelinesOf(project: Project): Promise<Pipeline[]> {
    return this.memo(`pipelines|${project.id}`, async () => {
      const out: Pipeline[] = [];
      for await (const page of mapPages(listPages(this.client, { path: `${project.id}/_apis/pipelines`, apiVersion: '7.1' }, paging.continuationHeader(1000)), (item) => ({ ...parse(pipelineSchema, item, 'pipeline'), __project: project }))) out.push(...page);
      return out;
    });
  }

  private async *pipelinePages(project: Project): AsyncGenerator<Pipeline[]> {
    yield await this.pipelinesOf(project);
  }

  /**
   * Every graph group of the organization (cloud only: the graph lives on vssps). Graph is
   * organization-wide, so the projects filter does not narrow it.
   */
  groups(): Promise<GraphGroup[]> {
    return this.memo('groups', async () => {
      const groups: GraphGroup[] = [];
      // Graph pages are sized by the service; the header token is the only end marker (azure-devops-api.md §3.3).
      for await (const page of listPages(this.client, { service: 'graph', path: '_apis/graph/groups', apiVersion: '7.1-preview.1' }, paging.continuationHeader(500))) {
        for (const item of page) groups.push(parse(groupSchema, item, 'graph group'));
      }
      return groups;
    });
  }

  /** Every pipeline environment of every project in scope. */
  environments(): Promise<Environment[]> {
    return this.memo('environments', async () =>
      this.collect(
        await this.projects(),
        (project) => ({ path: `${project.id}/_apis/distributedtask/environments`, apiVersion: '7.1' }),
        (item, project) => ({ ...parse(environmentSchema, item, 'environment'), __project: project }),
        paging.continuationHeader(100),
      ),
    );
  }

  private async collect<T>(
    projects: Project[],
    request: (project: Project) => { path: string; apiVersion: string },
    toParent: (item: RawItem, project: Project) => T,
    strategy = paging.single(),
  ): Promise<T[]> {
    const out: T[] = [];
    const pages = fanOut(
      projects,
      this.concurrency.projects,
      (project) => mapPages(listPages(this.client, request(project), strategy), (item) => toParent(item, project)),
      (project) => `project ${project.name}`,
    );
    for await (const page of pages) out.push(...page);
    return out;
  }

  private async withoutExcludedTags(projects: Project[]): Promise<Project[]> {
    const excluded = new Set(this.scope.excludedTags.map((t) => t.toLowerCase()));
    const kept: Project[] = [];
    const pages = fanOut(
      projects,
      this.concurrency.projects,
      async function* (this: ParentListings, project: Project) {
        const response = await this.client.request({
          path: `_apis/projects/${project.id}/properties`,
          query: { keys: 'Microsoft.TeamFoundation.Project.Tag.*' },
          apiVersion: '7.1-preview.1',
        });
        const properties = z.object({ value: z.array(z.object({ name: z.string() })) }).safeParse(response.body);
        // Read as "no tags", an unreadable answer would sync a project the user excluded.
        if (!properties.success) throw new AzureDevOpsResponseError(`The properties of project ${project.name} came back without a list of properties, so excludedTags cannot be applied.`, `_apis/projects/${project.id}/properties`);
        const tags = properties.data.value.map((p) => p.name.replace('Microsoft.TeamFoundation.Project.Tag.', '').toLowerCase());
        yield tags.some((tag) => excluded.has(tag)) ? [] : [project];
      }.bind(this),
      (project) => `project ${project.name} properties`,
    );
    for await (const page of pages) kept.push(...page);
    return kept;
  }

  /**
   * Any other listing several kinds read (boards for board and column), loaded once per run. Keep
   * it small: it stays in memory until the run ends.
   */
  shared<T>(key: string, load: (parents: ParentListings) => Promise<T>): Promise<T> {
    return this.memo(`shared:${key}`, () => load(this));
  }

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let entry = this.cache.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = load();
      this.cache.set(key, entry);
    }
    return entry;
  }
}

export async function* mapPages<T>(pages: AsyncIterable<RawItem[]>, map: (item: RawItem) => T): AsyncGenerator<T[]> {
  for await (const page of pages) yield page.map(map);
}

function parse<T>(schema: z.ZodType<T>, item: RawItem, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    throw new Error(`Azure DevOps returned a ${what} without the fields the sync relies on: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
