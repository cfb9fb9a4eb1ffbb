import { DAY, HOUR, MINUTE } from '../dates';
import { allocate, ParentIndex } from '../distribution';
import { branchName, repositoryName, slug, title } from '../names';
import { guidFor, rngFor, shaFor } from '../random';
import type {
  BranchRecord,
  CommitRecord,
  PolicyRecord,
  PolicyTypeRecord,
  ProjectRecord,
  PullRequestRecord,
  PullRequestStatus,
  RepositoryFile,
  RepositoryRecord,
  ReviewerRecord,
  UserRecord,
} from '../records';
import type { CollectionSource } from '../collection';
import { timeline, type GenerationContext } from './context';

export function generateRepositories(ctx: GenerationContext, projects: readonly ProjectRecord[]): RepositoryRecord[] {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const counts = allocate(ctx.scale.repositories, active.length, ctx.seed ^ 0x5e90, 1);
  const repos: RepositoryRecord[] = [];
  let counter = 0;
  active.forEach((project, p) => {
    for (let r = 0; r < (counts[p] ?? 0); r++) {
      const rng = rngFor(ctx.seed, 'repo', counter);
      const short = project.name.split(/[ -]/)[0] ?? project.name;
      // The first repository of a project carries the project's name, as Azure DevOps creates it.
      const name = r === 0 ? project.name : repositoryName(rng, counter, short);
      const empty = r > 0 && counter % 13 === 6;
      repos.push({
        id: guidFor(ctx.seed, 'repo', counter),
        projectId: project.id,
        name,
        defaultBranch: empty ? null : rng.chance(0.85) ? 'refs/heads/main' : 'refs/heads/master',
        size: empty ? 0 : rng.int(2_000, 90_000_000),
        isDisabled: r > 0 && counter % 12 === 5,
        isFork: r > 0 && rng.chance(0.03),
        createdDate: ctx.now - rng.int(60, 2000) * DAY - rng.int(0, DAY),
        advancedSecurityEnabled: rng.chance(0.6),
      });
      counter++;
    }
  });
  return repos;
}

/** A repository with a default branch that is not disabled: it has branches, commits and PRs. */
export function isActiveRepository(repo: RepositoryRecord): boolean {
  return repo.defaultBranch !== null && !repo.isDisabled;
}

export function generateBranches(ctx: GenerationContext, repos: readonly RepositoryRecord[], users: readonly UserRecord[]): BranchRecord[] {
  const withBranches = repos.filter((r) => r.defaultBranch !== null);
  const extra = allocate(Math.max(0, ctx.scale.branches - withBranches.length), withBranches.length, ctx.seed ^ 0xb7a4, 0);
  const out: BranchRecord[] = [];
  let counter = 0;
  withBranches.forEach((repo, r) => {
    const history = commitHistoryLength(ctx.seed, repo.id);
    const defaultBranch = repo.defaultBranch ?? 'refs/heads/main';
    const owner = users[0];
    out.push({
      key: `${repo.id}|${defaultBranch}`,
      repositoryId: repo.id,
      name: defaultBranch,
      objectId: commitId(ctx.seed, repo.id, history - 1),
      creatorId: owner?.id ?? '',
    });
    const seen = new Set([defaultBranch]);
    for (let b = 0; b < (extra[r] ?? 0); b++, counter++) {
      const rng = rngFor(ctx.seed, 'branch', counter);
      const creator = rng.pick(users);
      let name = `refs/heads/${branchName(rng, counter, creator.mailAddress.split('@')[0] ?? 'dev')}`;
      if (seen.has(name)) name = `${name}-${counter}`;
      seen.add(name);
      out.push({ key: `${repo.id}|${name}`, repositoryId: repo.id, name, objectId: shaFor(ctx.seed, 'branch-tip', `${repo.id}:${name}`), creatorId: creator.id });
    }
  });
  return out;
}

export const POLICY_TYPES: readonly PolicyTypeRecord[] = [
  { id: 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd', displayName: 'Minimum number of reviewers', description: 'This policy will ensure that a minimum number of reviewers have approved a pull request before completion.' },
  { id: '40e92b44-2fe1-4dd6-b3d8-74a9c21d0c6e', displayName: 'Work item linking', description: 'This policy encourages developers to link commits to work items.' },
  { id: '0609b952-1397-4640-95ec-e00a01b2c241', displayName: 'Build', description: 'This policy will require a successful build has been performed before updating protected refs.' },
  { id: 'c6a1889d-b943-4856-b76f-9e46bb6b0df2', displayName: 'Comment requirements', description: 'Check if the pull request has any active comments' },
  { id: 'fd2167ab-b0be-447a-8ec8-39368250530e', displayName: 'Required reviewers', description: 'This policy will ensure that required reviewers are added for modified files matching specified patterns.' },
  { id: 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dc', displayName: 'Require a merge strategy', description: 'This policy ensures that pull requests use a consistent merge strategy.' },
];

export function generatePolicies(ctx: GenerationContext, projects: readonly ProjectRecord[], repos: readonly RepositoryRecord[], users: readonly UserRecord[]): PolicyRecord[] {
  const out: PolicyRecord[] = [];
  for (const project of projects) {
    if (project.state !== 'wellFormed') continue;
    let nextId = 1;
    const add = (typeIndex: number, scopes: PolicyRecord['scopes'], settings: Record<string, unknown>, rngKey: string) => {
      const rng = rngFor(ctx.seed, 'policy', rngKey);
      const type = POLICY_TYPES[typeIndex] as PolicyTypeRecord;
      out.push({
        key: `${project.id}|${nextId}`,
        id: nextId,
        projectId: project.id,
        typeId: type.id,
        isEnabled: rng.chance(0.92),
        isBlocking: rng.chance(0.8),
        isDeleted: false,
        revision: rng.int(1, 4),
        createdDate: ctx.now - rng.int(10, 900) * DAY - rng.int(0, DAY),
        createdById: rng.pick(users).id,
        scopes,
        settings,
      });
      nextId++;
    };
    const rng = rngFor(ctx.seed, 'project-policies', project.id);
    if (rng.chance(0.5)) {
      add(0, [{ repositoryId: null, refName: null, matchKind: 'DefaultBranch' }], { minimumApproverCount: 1, creatorVoteCounts: false, allowDownvotes: false, resetOnSourcePush: false }, `${project.id}:project`);
    }
    for (const repo of repos) {
      if (repo.projectId !== project.id || repo.defaultBranch === null) continue;
      const r = rngFor(ctx.seed, 'repo-policies', repo.id);
      const scope = [{ repositoryId: repo.id, refName: repo.defaultBranch, matchKind: 'Exact' as const }];
      if (r.chance(0.7)) add(0, scope, { minimumApproverCount: r.int(1, 4), creatorVoteCounts: r.chance(0.3), allowDownvotes: false, resetOnSourcePush: r.chance(0.5), requireVoteOnLastIteration: false, blockLastPusherVote: r.chance(0.4) }, `${repo.id}:0`);
      if (r.chance(0.4)) add(1, scope, {}, `${repo.id}:1`);
      if (r.chance(0.3)) add(2, scope, { buildDefinitionId: r.int(1, 50), queueOnSourceUpdateOnly: true, manualQueueOnly: false, displayName: null, validDuration: 720 }, `${repo.id}:2`);
      if (r.chance(0.2)) add(3, scope, {}, `${repo.id}:3`);
      if (r.chance(0.1)) add(4, [{ repositoryId: repo.id, refName: 'refs/heads/release/', matchKind: 'Prefix' }], { requiredReviewerIds: [r.pick(users).id], filenamePatterns: ['/src/*'], addedFilesOnly: false, message: null }, `${repo.id}:4`);
    }
  }
  return out;
}

const COMMIT_HISTORY_MIN = 5;

/** How many commits a repository's default branch has (derived, never stored). */
export function commitHistoryLength(seed: number, repositoryId: string): number {
  return COMMIT_HISTORY_MIN + rngFor(seed, 'history', repositoryId).int(0, 25);
}

export function commitId(seed: number, repositoryId: string, index: number): string {
  return shaFor(seed, 'commit', `${repositoryId}:${index}`);
}

/** Commit `index` of the default branch's linear history. */
export function generateCommit(ctx: GenerationContext, repo: RepositoryRecord, users: readonly UserRecord[], index: number): CommitRecord {
  const rng = rngFor(ctx.seed, 'commit-data', `${repo.id}:${index}`);
  const length = commitHistoryLength(ctx.seed, repo.id);
  const step = (ctx.now - repo.createdDate) / (length + 1);
  const files = repositoryFiles(ctx.seed, repo).filter((f) => !f.isFolder);
  const changes =
    index === 0
      ? files.map((f) => ({ path: f.path, changeType: 'add' as const }))
      : rng.sample(files, Math.min(files.length, rng.int(1, 3))).map((f) => ({ path: f.path, changeType: 'edit' as const }));
  return {
    commitId: commitId(ctx.seed, repo.id, index),
    repositoryId: repo.id,
    parents: index === 0 ? [] : [commitId(ctx.seed, repo.id, index - 1)],
    authorId: rng.pick(users).id,
    authorDate: Math.floor(repo.createdDate + step * (index + 1) + rng.int(0, HOUR)),
    comment: index === 0 ? 'Initial commit' : rng.chance(0.4) ? `${title(rng)}\n\nRelated work items: #${rng.int(1, 5000)}` : title(rng),
    changes,
  };
}

/**
 * Pull requests, interleaved over the active repositories, with ids in time order. Recent ones
 * are mostly active; older ones completed or abandoned with a close date, so "closed in the last
 * N days" windows have content.
 */
export function pullRequestSource(
  ctx: GenerationContext,
  repos: readonly RepositoryRecord[],
  branchesOf: (repositoryId: string) => readonly BranchRecord[],
  users: readonly UserRecord[],
): { source: CollectionSource<number, PullRequestRecord>; index: ParentIndex; repos: readonly RepositoryRecord[] } {
  const eligible = repos.filter(isActiveRepository);
  const total = eligible.length === 0 ? 0 : ctx.scale.pullRequests;
  const index = ParentIndex.interleaved(allocate(total, eligible.length, ctx.seed ^ 0x9e11, 0), ctx.seed ^ 0x9e12);
  const span = 2 * 365 * DAY;
  const at = timeline(ctx.now, span, total);
  const source: CollectionSource<number, PullRequestRecord> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'pr', i);
      const repo = eligible[index.parentOf(i)] as RepositoryRecord;
      const creationDate = at(i, rng.next());
      const age = ctx.now - creationDate;
      const status: PullRequestStatus =
        age < 14 * DAY
          ? rng.weighted([['active', 6], ['completed', 3], ['abandoned', 1]] as const)
          : rng.weighted([['completed', 75], ['abandoned', 20], ['active', 5]] as const);
      const closedDate = status === 'active' ? null : Math.min(ctx.now - MINUTE, creationDate + rng.int(HOUR, 10 * DAY));
      const creator = rng.pick(users);
      const branches = branchesOf(repo.id).filter((b) => b.name !== repo.defaultBranch);
      const sourceRef = branches.length > 0 && rng.chance(0.7) ? rng.pick(branches).name : `refs/heads/${slug(title(rng))}-${i + 1}`;
      const reviewers: ReviewerRecord[] = rng.sample(users.filter((u) => u.id !== creator.id), Math.min(users.length - 1, rng.int(0, 3))).map((u) => ({
        id: u.id,
        vote: status === 'completed' ? rng.weighted([[10, 6], [5, 2], [0, 2]] as const) : rng.weighted([[0, 6], [10, 2], [-5, 1], [-10, 1]] as const),
        isRequired: rng.chance(0.3),
      }));
      return {
        id: i + 1,
        repositoryId: repo.id,
        projectId: repo.projectId,
        status,
        isDraft: status === 'active' && rng.chance(0.15),
        title: title(rng),
        description: `This change ${title(rng).toLowerCase()}.${rng.chance(0.7) ? '\n\n- tests updated\n- docs updated' : ''}`,
        creatorId: creator.id,
        creationDate,
        closedDate,
        closedById: status === 'active' ? null : rng.pick(users).id,
        sourceRefName: sourceRef,
        targetRefName: repo.defaultBranch ?? 'refs/heads/main',
        mergeStatus: status === 'abandoned' ? 'notSet' : rng.weighted([['succeeded', 9], ['conflicts', 1]] as const),
        mergeId: guidFor(ctx.seed, 'pr-merge', i),
        sourceCommitId: shaFor(ctx.seed, 'pr-source', i),
        targetCommitId: commitId(ctx.seed, repo.id, commitHistoryLength(ctx.seed, repo.id) - 1),
        mergeCommitId: status === 'abandoned' ? null : shaFor(ctx.seed, 'pr-merge-commit', i),
        reviewers,
      };
    },
  };
  return { source, index, repos: eligible };
}

type Flavour = 'node' | 'java' | 'python' | 'dotnet' | 'terraform' | 'docs';

/**
 * The files of a repository's default branch: a README, often CODEOWNERS and a `port.yml`, a
 * pipeline file, and sources of one language. Content is derived from the repository.
 */
export function repositoryFiles(seed: number, repo: RepositoryRecord): RepositoryFile[] {
  if (repo.defaultBranch === null) return [];
  const rng = rngFor(seed, 'files', repo.id);
  const flavour = rng.pick<Flavour>(['node', 'java', 'python', 'dotnet', 'terraform', 'docs']);
  const files: RepositoryFile[] = [];
  const file = (path: string, content: string) => files.push({ path, isFolder: false, content });
  const service = slug(repo.name) || 'service';
  file('/README.md', `# ${repo.name}\n\n${repo.name} is part of this project. Build with the pipeline in \`azure-pipelines.yml\`.\n`);
  if (rng.chance(0.6)) file('/CODEOWNERS', `* @${service}-maintainers\n/docs/ @tech-writers\n`);
  if (rng.chance(0.35)) file('/port.yml', `identifier: ${service}\ntitle: ${repo.name}\nblueprint: service\nproperties:\n  language: ${flavour}\n  tier: ${rng.pick(['Mission Critical', 'Customer Facing', 'Internal Service'])}\n`);
  file('/azure-pipelines.yml', `trigger:\n  - ${(repo.defaultBranch ?? 'refs/heads/main').replace('refs/heads/', '')}\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: echo building ${service}\n`);
  file('/docs/architecture.md', `# Architecture of ${repo.name}\n\nOne service, one database.\n`);
  switch (flavour) {
    case 'node':
      file('/package.json', JSON.stringify({ name: service, version: `1.${rng.int(0, 20)}.0`, private: true, scripts: { test: 'vitest run' } }, null, 2) + '\n');
      file('/src/index.ts', `export const name = '${service}';\n`);
      file('/src/handlers/health.ts', `export const health = () => ({ ok: true });\n`);
      break;
    case 'java':
      file('/pom.xml', `<project><artifactId>${service}</artifactId><version>1.0.${rng.int(0, 9)}</version></project>\n`);
      file('/src/main/java/App.java', `public class App { public static void main(String[] a) {} }\n`);
      break;
    case 'python':
      file('/requirements.txt', `fastapi==0.110.${rng.int(0, 3)}\nuvicorn==0.29.0\n`);
      file('/app/main.py', `def main() -> None:\n    print("${service}")\n`);
      break;
    case 'dotnet':
      file(`/${service}.sln`, `Microsoft Visual Studio Solution File, Format Version 12.00\n`);
      file('/src/Program.cs', `Console.WriteLine("${service}");\n`);
      break;
    case 'terraform':
      file('/main.tf', `resource "azurerm_resource_group" "rg" {\n  name     = "${service}-rg"\n  location = "westeurope"\n}\n`);
      file('/modules/network/main.tf', `variable "cidr" {}\n`);
      break;
    case 'docs':
      file('/docs/getting-started.md', `# Getting started\n`);
      break;
  }
  if (rng.chance(0.3)) {
    for (const name of ['billing', 'search']) file(`/services/${name}/catalog-info.yaml`, `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${service}-${name}\n`);
  }
  return withFolders(files);
}

/** Adds the folder entries implied by the file paths (and the root), sorted by path. */
export function withFolders(files: readonly RepositoryFile[]): RepositoryFile[] {
  const folders = new Set<string>(['/']);
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) folders.add('/' + parts.slice(0, i).join('/'));
  }
  const out: RepositoryFile[] = [...folders].map((path) => ({ path, isFolder: true, content: null }));
  out.push(...files.filter((f) => !f.isFolder));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
