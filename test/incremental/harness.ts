/**
 * Drives incremental runs against the simulators: runs with a JSON summary, Port snapshots for
 * comparing two catalogs, cursors as Port stores them, and random changes to the simulated
 * organization of the kinds Azure DevOps' change filters can see.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { PortSimulator } from '../../sim/port';
import type { FrontDoorOptions } from '../../core/run-from-layers';
import { expect } from 'vitest';
import { CLOUD_RESOLVE, PORT_CLIENT_ID, PORT_CLIENT_SECRET, runCli, type CliRun, type Simulators } from '../support/simulators';

export const IDENTIFIER = 'my-azure-devops-integration';

export type SummaryResource = { index: number; kind: string; listed: number; upserted: number; unchanged: number; requests: number; error: string | null };
export type SummaryCursor = { label: string; kind: string; index: number; listing: 'changes' | 'full' | 'skipped'; cursorBefore: string | null; since: string | null; cursorAfter: string | null; advanced: boolean; changed: number; held?: string };
export type Summary = {
  status: string;
  adoRequests: number;
  resources: SummaryResource[];
  cursors: { mode: 'incremental' | 'sync'; startedAt: string; overlapMinutes: number; resources: SummaryCursor[] } | null;
  deletions: { skipped: string | undefined };
};

export type Run = CliRun & { summary: Summary };

/** One CLI run (server URL form unless `cloud`), with its JSON summary. */
export async function sync(sims: Simulators, args: string[] = [], options: { env?: Record<string, string>; cloud?: boolean; port?: PortSimulator; frontDoor?: FrontDoorOptions } = {}): Promise<Run> {
  const path = join(mkdtempSync(join(tmpdir(), 'incremental-')), 'summary.json');
  const env = sims.env(options.env ?? {}, { cloud: options.cloud ?? false });
  if (options.port) env.OCEAN__PORT__BASE_URL = options.port.baseUrl;
  const run = await runCli([...args, ...(options.cloud ? CLOUD_RESOLVE : []), '--summary', path], env, options.frontDoor);
  let summary: Summary;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
  } catch {
    throw new Error(`the run wrote no summary (exit ${run.code}): ${run.stderr}\n${run.stdout}`);
  }
  return { ...run, summary };
}

/** A well-formed project with at least two pipelines, and its first two: for runs queued by a test. */
export function projectWithTwoPipelines(model: AzureDevOpsSimulator['model']) {
  const project = model.projectList().find((p) => p.state === 'wellFormed' && model.pipelinesOf(p.id).length >= 2);
  const [first, second] = project ? model.pipelinesOf(project.id) : [];
  if (!project || !first || !second) throw new Error('the simulated organization has no project with two pipelines');
  return { project, first, second };
}

export function resourceOf(run: Run, kind: string): SummaryResource {
  const found = run.summary.resources.find((r) => r.kind === kind);
  if (!found) throw new Error(`no resource of kind ${kind} in the summary`);
  return found;
}

export function cursorReportOf(run: Run, kind: string): SummaryCursor {
  const found = run.summary.cursors?.resources.find((r) => r.kind === kind);
  if (!found) throw new Error(`no cursor of kind ${kind} in the summary`);
  return found;
}

/** The cursors Port holds for the integration, `kind#index` → `primary`. */
export function storedCursors(port: PortSimulator): Record<string, unknown> {
  const cursors = port.integration(IDENTIFIER)?.records.cursors ?? {};
  return Object.fromEntries(Object.entries(cursors).map(([key, value]) => [key, value.primary]));
}

export type EntityView = { title: string | null; properties: Record<string, unknown>; relations: Record<string, unknown>; team: string[]; icon: string | null };
export type Catalog = Map<string, Map<string, EntityView>>;

/** What Port holds, per blueprint and identifier, without the bookkeeping fields (times, authors). */
export function catalogOf(port: PortSimulator): Catalog {
  const catalog: Catalog = new Map();
  for (const entity of port.entities()) {
    let entities = catalog.get(entity.blueprint);
    if (!entities) catalog.set(entity.blueprint, (entities = new Map<string, EntityView>()));
    entities.set(entity.identifier, { title: entity.title, properties: entity.properties, relations: entity.relations, team: entity.team, icon: entity.icon ?? null });
  }
  return catalog;
}

/** Seeded, so a failing case can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T | undefined => items[Math.floor(rng() * items.length)];

export type AppliedChanges = {
  /** `blueprint/identifier` of entities whose source is gone (only a full sync removes them). */
  gone: Set<string>;
  /** Change counts by kind of change, for the test's own sanity checks. */
  counts: Record<string, number>;
};

/**
 * Applies `count` random changes, each of a kind some listing can see in an incremental run:
 * work items edited, created and deleted; runs queued, advanced and finished, stages moved; pull
 * requests opened, edited, completed and abandoned; releases created and deployed; test runs
 * created; and, for the kinds listed in full, a new repository, a pushed branch and a new team.
 */
export function applyRandomChanges(ado: AzureDevOpsSimulator, seed: number, count: number): AppliedChanges {
  const rng = random(seed);
  const model = ado.model;
  const mutate = ado.mutate;
  const projects = model.projectList().filter((p) => p.state === 'wellFormed');
  const gone = new Set<string>();
  const counts: Record<string, number> = {};
  let n = 0;
  const changes: { name: string; apply: () => boolean }[] = [
    {
      name: 'edit work item',
      apply: () => {
        const project = pick(rng, projects);
        const item = project && pick(rng, model.workItemsOf(project.id));
        if (!item) return false;
        mutate.updateWorkItem(item.id, { title: `${item.title} (edited ${n})`, priority: 1 + Math.floor(rng() * 4) });
        return true;
      },
    },
    {
      name: 'create work item',
      apply: () => {
        const project = pick(rng, projects);
        const like = project && pick(rng, model.workItemsOf(project.id));
        if (!project || !like) return false;
        mutate.createWorkItem(project.id, { type: like.type, title: `New work ${n}` });
        return true;
      },
    },
    {
      name: 'delete work item',
      apply: () => {
        const project = pick(rng, projects);
        const item = project && pick(rng, model.workItemsOf(project.id));
        if (!project || !item) return false;
        mutate.deleteWorkItem(item.id);
        gone.add(`azureDevopsWorkItem/${project.id}/${item.id}`);
        return true;
      },
    },
    {
      name: 'queue run',
      apply: () => {
        const project = pick(rng, projects);
        const pipeline = project && pick(rng, model.pipelinesOf(project.id));
        if (!pipeline) return false;
        mutate.queueRun(pipeline.id);
        return true;
      },
    },
    {
      name: 'finish run',
      apply: () => {
        const project = pick(rng, projects);
        const running = project ? model.buildsOfProject(project.id).filter((b) => b.status !== 'completed') : [];
        const build = pick(rng, running) ?? (project && pick(rng, model.buildsOfProject(project.id)));
        if (!build) return false;
        mutate.setRunState(build.id, { status: 'completed', result: rng() < 0.5 ? 'succeeded' : 'failed' });
        return true;
      },
    },
    {
      name: 'move stage',
      apply: () => {
        const project = pick(rng, projects);
        const running = project ? model.buildsOfProject(project.id).filter((b) => b.status === 'inProgress') : [];
        const build = pick(rng, running);
        const stage = build && pick(rng, (model.timeline(build.id) ?? []).filter((r) => r.type === 'Stage' && r.state !== 'completed'));
        if (!build || !stage) return false;
        mutate.setStageState(build.id, stage.name, rng() < 0.5 ? 'inProgress' : 'completed', 'succeeded');
        return true;
      },
    },
    {
      name: 'open pull request',
      apply: () => {
        const project = pick(rng, projects);
        const repository = project && pick(rng, model.repositoriesOf(project.id).filter((r) => !r.isDisabled && model.branchesOf(r.id).length > 0));
        const branch = repository && pick(rng, model.branchesOf(repository.id));
        if (!repository || !branch) return false;
        mutate.createPullRequest(repository.id, { title: `Change ${n}`, sourceRefName: branch.name });
        return true;
      },
    },
    {
      name: 'edit or close pull request',
      apply: () => {
        const project = pick(rng, projects);
        const repository = project && pick(rng, model.repositoriesOf(project.id).filter((r) => !r.isDisabled));
        const pr = repository && pick(rng, model.pullRequestsOf(repository.id).filter((p) => p.status === 'active'));
        if (!pr) return false;
        const roll = rng();
        mutate.updatePullRequest(pr.id, roll < 0.4 ? { title: `${pr.title} (edited ${n})` } : { status: roll < 0.8 ? 'completed' : 'abandoned' });
        return true;
      },
    },
    {
      name: 'create and deploy release',
      apply: () => {
        const project = pick(rng, projects);
        const definition = project && pick(rng, model.releaseDefinitionsOf(project.id));
        if (!project || !definition) return false;
        const release = mutate.createRelease(project.id, definition.id);
        const environment = release.environments[0];
        if (environment && rng() < 0.7) mutate.deployRelease(release.id, environment.id, 'succeeded');
        return true;
      },
    },
    {
      name: 'redeploy release',
      apply: () => {
        const project = pick(rng, projects);
        const release = project && pick(rng, model.releasesOfProject(project.id).filter((r) => r.status === 'active'));
        const environment = release && pick(rng, release.environments);
        if (!release || !environment) return false;
        mutate.deployRelease(release.id, environment.id, rng() < 0.5 ? 'succeeded' : 'inProgress');
        return true;
      },
    },
    {
      name: 'create test run',
      apply: () => {
        const project = pick(rng, projects);
        const build = project && pick(rng, model.buildsOfProject(project.id));
        if (!project) return false;
        mutate.createTestRun(project.id, { name: `Tests ${n}`, buildId: build?.id ?? null, totalTests: 10, passedTests: Math.floor(rng() * 11) });
        return true;
      },
    },
    {
      name: 'new repository',
      apply: () => {
        const project = pick(rng, projects);
        if (!project) return false;
        mutate.createRepository(project.id, { name: `repo-${seed}-${n}` });
        return true;
      },
    },
    {
      name: 'push branch',
      apply: () => {
        const project = pick(rng, projects);
        const repository = project && pick(rng, model.repositoriesOf(project.id).filter((r) => !r.isDisabled && r.defaultBranch));
        if (!repository) return false;
        mutate.push(repository.id, { branch: `refs/heads/feature/change-${seed}-${n}`, files: { [`/notes-${n}.md`]: 'notes' } });
        return true;
      },
    },
    {
      name: 'new team',
      apply: () => {
        const project = pick(rng, projects);
        if (!project) return false;
        mutate.createTeam(project.id, { name: `Team ${seed}-${n}` });
        return true;
      },
    },
  ];
  for (let attempts = 0; n < count && attempts < count * 20; attempts++) {
    const change = pick(rng, changes);
    if (!change?.apply()) continue;
    counts[change.name] = (counts[change.name] ?? 0) + 1;
    n++;
  }
  return { gone, counts };
}

/** Every entity of the reference is in `actual`, the same; `actual` has more only where the source is gone. */
export function expectSameExceptDeletions(actual: Catalog, reference: Catalog, gone: ReadonlySet<string> = new Set()): void {
  for (const [blueprint, entities] of reference) {
    const held = actual.get(blueprint) ?? new Map<string, EntityView>();
    for (const [identifier, want] of entities) expect(held.get(identifier), `${blueprint} ${identifier}`).toEqual(want);
    const extra = [...held.keys()].filter((identifier) => !entities.has(identifier));
    for (const identifier of extra) expect(gone.has(`${blueprint}/${identifier}`), `${blueprint} ${identifier} is in Port but not in a full run's catalog`).toBe(true);
  }
  for (const blueprint of actual.keys()) expect(reference.has(blueprint) || (actual.get(blueprint)?.size ?? 0) === 0, blueprint).toBe(true);
}

/**
 * Port's cursor routes called the way Ocean core calls them (port-api-and-ocean-core.md §10:
 * `get_integration_cursor`, `upsert_integration_cursor`), with plain fetch: nothing of the engine.
 */
export class OceanCursorClient {
  private token: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly integration: string = IDENTIFIER,
  ) {}

  /** The mapping's resources as Port stores them: a cursor's index is a position in this list. */
  async resources(): Promise<{ kind: string }[]> {
    const body = (await this.call('GET', `/v1/integration/${this.integration}`)).body as { integration?: { config?: { resources?: { kind: string }[] } } };
    return body.integration?.config?.resources ?? [];
  }

  /** Edits the mapping stored on the integration, as a user does in Port's UI. */
  async editMapping(edit: (resources: { kind: string; selector: Record<string, unknown> }[]) => void): Promise<void> {
    const body = (await this.call('GET', `/v1/integration/${this.integration}`)).body as { integration: { config: { resources: { kind: string; selector: Record<string, unknown> }[] } } };
    const config = body.integration.config;
    edit(config.resources);
    const patched = await this.call('PATCH', `/v1/integration/${this.integration}/config`, { config });
    if (patched.status !== 200) throw new Error(`PATCH config answered ${patched.status}`);
  }

  async read(kind: string, index: number): Promise<string | undefined> {
    const { status, body } = await this.call('GET', this.cursorPath(kind, index));
    if (status !== 200) throw new Error(`GET cursor answered ${status}`);
    return (body as { cursor?: { primary?: string } }).cursor?.primary;
  }

  async write(kind: string, index: number, primary: string): Promise<void> {
    const put = await this.call('PUT', this.cursorPath(kind, index), { primary });
    if (put.status === 404) {
      const post = await this.call('POST', this.cursorPath(kind, index), { primary });
      if (post.status >= 300) throw new Error(`POST cursor answered ${post.status}`);
    } else if (put.status >= 300) throw new Error(`PUT cursor answered ${put.status}`);
  }

  private cursorPath(kind: string, index: number): string {
    return `/v1/integration/${this.integration}/cursor?${new URLSearchParams({ kind, index: String(index) }).toString()}`;
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    this.token ??= await this.login();
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'user-agent': `port-ocean/azure-devops/0.12.2/${this.integration}/exporter` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  private async login(): Promise<string> {
    const response = await fetch(new URL('/v1/auth/access_token', this.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: PORT_CLIENT_ID, clientSecret: PORT_CLIENT_SECRET }) });
    const body = (await response.json()) as { accessToken?: string };
    if (!body.accessToken) throw new Error(`login answered ${response.status}`);
    return body.accessToken;
  }
}
