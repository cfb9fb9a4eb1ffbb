import type { CollectionSource } from '../collection';
import { DAY, HOUR, MINUTE } from '../dates';
import { allocate, ParentIndex } from '../distribution';
import { slug, title } from '../names';
import { guidFor, rngFor } from '../random';
import type {
  AlertRecord,
  CodeCoverageRecord,
  PipelineRecord,
  ProjectRecord,
  RepositoryRecord,
  TestResultRecord,
  TestRunRecord,
  UserRecord,
  WikiPageRecord,
  WikiRecord,
} from '../records';
import { timeline, type GenerationContext } from './context';
import { isActiveRepository } from './git';

/** Test runs, interleaved over projects; automated runs point at a build of the same project. */
export function testRunSource(
  ctx: GenerationContext,
  projects: readonly ProjectRecord[],
  pipelinesOf: (projectId: string) => readonly PipelineRecord[],
  buildsOf: (pipelineId: number) => Uint32Array,
  users: readonly UserRecord[],
): { source: CollectionSource<number, TestRunRecord>; index: ParentIndex; projects: readonly ProjectRecord[] } {
  const active = projects.filter((p) => p.state === 'wellFormed');
  const total = active.length === 0 ? 0 : ctx.scale.testRuns;
  const index = ParentIndex.interleaved(allocate(total, active.length, ctx.seed ^ 0x7e57, 0), ctx.seed ^ 0x7e58);
  const at = timeline(ctx.now, 365 * DAY, total);
  const source: CollectionSource<number, TestRunRecord> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'test-run', i);
      const project = active[index.parentOf(i)] as ProjectRecord;
      const pipelines = pipelinesOf(project.id);
      const pipeline = pipelines.length > 0 ? rng.pick(pipelines) : undefined;
      const builds = pipeline ? buildsOf(pipeline.id) : new Uint32Array();
      const buildId = builds.length > 0 && rng.chance(0.85) ? (builds[rng.int(0, builds.length - 1)] ?? 0) + 1 : null;
      const createdDate = at(i, rng.next());
      const recent = ctx.now - createdDate < 15 * MINUTE;
      const state = recent ? 'InProgress' : rng.weighted([['Completed', 90], ['Aborted', 4], ['NeedsInvestigation', 6]] as const);
      const totalTests = rng.int(3, 20);
      const failed = state === 'Completed' ? rng.weighted([[0, 7], [1, 2], [3, 1]] as const) : 0;
      const notExecuted = rng.chance(0.2) ? 1 : 0;
      const passed = Math.max(0, totalTests - failed - notExecuted);
      const startedDate = createdDate + rng.int(1000, 20_000);
      return {
        id: i + 1,
        projectId: project.id,
        name: buildId !== null ? `${pipeline?.name ?? 'Build'} tests (${rng.pick(['unit', 'integration', 'e2e'])})` : `Manual run: ${title(rng)}`,
        buildId,
        state,
        isAutomated: buildId !== null,
        totalTests,
        passedTests: passed,
        incompleteTests: 0,
        notApplicableTests: notExecuted,
        unanalyzedTests: failed,
        createdDate,
        startedDate,
        completedDate: state === 'InProgress' ? null : startedDate + rng.int(MINUTE, 20 * MINUTE),
        lastUpdatedDate: state === 'InProgress' ? startedDate : startedDate + rng.int(MINUTE, 20 * MINUTE),
        ownerId: rng.pick(users).id,
      };
    },
  };
  return { source, index, projects: active };
}

/** The results of a run: consistent with its passed/failed/not-executed counts. */
export function generateTestResults(seed: number, run: TestRunRecord): TestResultRecord[] {
  const out: TestResultRecord[] = [];
  const failed = run.unanalyzedTests;
  const notExecuted = run.notApplicableTests;
  let at = run.startedDate;
  for (let k = 0; k < run.totalTests; k++) {
    const rng = rngFor(seed, 'test-result', `${run.id}:${k}`);
    const outcome = k < failed ? 'Failed' : k < failed + notExecuted ? 'NotExecuted' : 'Passed';
    const duration = rng.int(5, 4000);
    const name = `${rng.pick(['Checkout', 'Billing', 'Search', 'Auth', 'Orders'])}Tests.${title(rng).replace(/[^A-Za-z]/g, '')}_${k}`;
    out.push({
      id: 100000 + k,
      runId: run.id,
      testCaseTitle: name.split('.')[1] ?? name,
      automatedTestName: `Contoso.${name}`,
      automatedTestStorage: 'contoso.tests.dll',
      outcome,
      durationInMs: duration,
      startedDate: at,
      completedDate: at + duration,
      priority: rng.int(0, 3),
      errorMessage: outcome === 'Failed' ? 'Assert.Equal() Failure: Expected 200, Actual 500' : null,
    });
    at += duration;
  }
  return out;
}

export function generateCodeCoverage(seed: number, buildId: number): CodeCoverageRecord {
  const rng = rngFor(seed, 'coverage', buildId);
  const modules = ['contoso.core.dll', 'contoso.api.dll', 'contoso.web.dll'].slice(0, rng.int(1, 3)).map((name) => {
    const lines = rng.int(500, 20_000);
    const covered = Math.floor(lines * (0.4 + rng.next() * 0.55));
    return { name, linesCovered: covered, linesNotCovered: lines - covered, blocksCovered: Math.floor(covered * 1.3), blocksNotCovered: Math.floor((lines - covered) * 1.3) };
  });
  return { buildId, modules };
}

const DEPENDENCY_ALERTS = ['lodash', 'minimist', 'log4j-core', 'jackson-databind', 'requests', 'Newtonsoft.Json', 'axios', 'follow-redirects'];
const CODE_RULES = [['js/sql-injection', 'Database query built from user-controlled sources'], ['cs/path-injection', 'Uncontrolled data used in path expression'], ['py/reflective-xss', 'Reflected server-side cross-site scripting']] as const;
const SECRET_RULES = [['AzureStorageAccountKey', 'Azure Storage account access key'], ['GitHubPat', 'GitHub personal access token'], ['AwsAccessKey', 'AWS access key']] as const;

/** Advanced Security alerts over the repositories where the feature is enabled. */
export function alertSource(ctx: GenerationContext, repos: readonly RepositoryRecord[]): { source: CollectionSource<number, AlertRecord>; index: ParentIndex; repos: readonly RepositoryRecord[] } {
  const eligible = repos.filter((r) => r.advancedSecurityEnabled && isActiveRepository(r));
  const total = eligible.length === 0 ? 0 : ctx.scale.alerts;
  const index = ParentIndex.interleaved(allocate(total, eligible.length, ctx.seed ^ 0xad5e, 0), ctx.seed ^ 0xad5f);
  const at = timeline(ctx.now, 365 * DAY, total);
  const source: CollectionSource<number, AlertRecord> = {
    size: total,
    keyAt: (i) => i + 1,
    indexOf: (key) => (Number.isInteger(key) && key >= 1 && key <= total ? key - 1 : undefined),
    generate: (i) => {
      const rng = rngFor(ctx.seed, 'alert', i);
      const repo = eligible[index.parentOf(i)] as RepositoryRecord;
      const alertType = rng.weighted([['dependency', 6], ['code', 3], ['secret', 1]] as const);
      const firstSeenDate = at(i, rng.next());
      const state = rng.weighted([['active', 55], ['fixed', 30], ['dismissed', 12], ['autoDismissed', 3]] as const);
      const fixedDate = state === 'fixed' ? Math.min(ctx.now - 1000, firstSeenDate + rng.int(DAY, 60 * DAY)) : null;
      const lastSeenDate = state === 'active' ? ctx.now - rng.int(HOUR, 3 * DAY) : (fixedDate ?? firstSeenDate + rng.int(HOUR, 10 * DAY));
      let ruleId: string;
      let ruleName: string;
      let alertTitle: string;
      let filePath: string;
      let toolName: string;
      if (alertType === 'dependency') {
        const pkg = rng.pick(DEPENDENCY_ALERTS);
        ruleId = `GHSA-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}`;
        ruleName = `CVE-20${rng.int(19, 25)}-${rng.int(1000, 49999)}`;
        alertTitle = `${pkg}: ${rng.pick(['Prototype Pollution', 'Remote code execution', 'Denial of service', 'Server-side request forgery'])}`;
        filePath = rng.pick(['/package-lock.json', '/pom.xml', '/requirements.txt', '/src/app.csproj']);
        toolName = 'AdvancedSecurity-Dependency-Scanning';
      } else if (alertType === 'code') {
        const [id, name] = rng.pick(CODE_RULES);
        ruleId = id;
        ruleName = name;
        alertTitle = name;
        filePath = `/src/${slug(title(rng))}.ts`;
        toolName = 'CodeQL';
      } else {
        const [id, name] = rng.pick(SECRET_RULES);
        ruleId = id;
        ruleName = name;
        alertTitle = `${name} exposed`;
        filePath = rng.pick(['/appsettings.json', '/.env', '/deploy/values.yaml']);
        toolName = 'AdvancedSecurity-Secret-Scanning';
      }
      const severity =
        alertType === 'code' ? rng.weighted([['error', 4], ['warning', 4], ['note', 2]] as const) : alertType === 'secret' ? 'critical' : rng.weighted([['critical', 1], ['high', 3], ['medium', 4], ['low', 2]] as const);
      return {
        alertId: i + 1,
        repositoryId: repo.id,
        projectId: repo.projectId,
        alertType,
        severity,
        state,
        title: alertTitle,
        ruleId,
        ruleName,
        toolName,
        filePath,
        line: rng.int(1, 400),
        gitRef: repo.defaultBranch ?? 'refs/heads/main',
        firstSeenDate,
        lastSeenDate,
        fixedDate,
        introducedDate: firstSeenDate - rng.int(0, 30) * DAY,
        modifiedDate: Math.max(lastSeenDate, fixedDate ?? 0),
        dismissalType: state === 'dismissed' ? rng.pick(['acceptedRisk', 'falsePositive'] as const) : state === 'fixed' ? 'fixed' : null,
        confidence: alertType === 'secret' ? 'high' : rng.chance(0.8) ? 'high' : 'other',
      };
    },
  };
  return { source, index, repos: eligible };
}

export function generateWikis(ctx: GenerationContext, projects: readonly ProjectRecord[], repos: readonly RepositoryRecord[]): WikiRecord[] {
  const out: WikiRecord[] = [];
  for (const project of projects) {
    if (project.state !== 'wellFormed') continue;
    out.push({
      id: guidFor(ctx.seed, 'wiki', project.id),
      projectId: project.id,
      name: `${project.name}.wiki`,
      type: 'projectWiki',
      // The project wiki lives in a hidden repository that the repositories list does not show.
      repositoryId: guidFor(ctx.seed, 'wiki-repo', project.id),
      mappedPath: '/',
      version: 'wikiMaster',
    });
  }
  const candidates = repos.filter(isActiveRepository);
  for (let i = 0; i < Math.min(ctx.scale.codeWikis, candidates.length); i++) {
    const repo = candidates[(i * 7) % candidates.length] as RepositoryRecord;
    if (out.some((w) => w.repositoryId === repo.id)) continue;
    out.push({
      id: guidFor(ctx.seed, 'code-wiki', i),
      projectId: repo.projectId,
      name: `${repo.name} docs`,
      type: 'codeWiki',
      repositoryId: repo.id,
      mappedPath: '/docs',
      version: (repo.defaultBranch ?? 'refs/heads/main').replace('refs/heads/', ''),
    });
  }
  return out;
}

export function generateWikiPages(ctx: GenerationContext, wikis: readonly WikiRecord[]): WikiPageRecord[] {
  const out: WikiPageRecord[] = [];
  for (const wiki of wikis) {
    const rng = rngFor(ctx.seed, 'wiki-pages', wiki.id);
    const paths = ['/Home', '/Home/Getting started', '/Runbooks', '/Runbooks/On-call (primary)', '/Architecture', '/Architecture/Decisions', '/Architecture/Decisions/ADR 001', '/FAQ'];
    const count = wiki.type === 'projectWiki' ? rng.int(4, paths.length) : rng.int(2, 4);
    paths.slice(0, count).forEach((path, k) => {
      out.push({
        key: `${wiki.id}|${k + 1}`,
        wikiId: wiki.id,
        id: k + 1,
        path,
        order: k,
        content: `# ${path.split('/').pop() ?? path}\n\n${title(rng)}.\n`,
      });
    });
  }
  return out;
}
