import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findKind } from '../../core/kinds/registry';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { RepositoryRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

const REPOSITORY_RESOURCE = { kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsRepository"' } } } };

const FOLDER_MAPPING = {
  identifier: '.__repository.id + "/" + (.path | ltrimstr("/")) + "@" + .__branch',
  title: '.__repository.name + ":" + .path',
  blueprint: '"azureDevopsFolder"',
  properties: { path: '.path', branch: '.__branch', pattern: '.__pattern' },
  relations: { repository: '.__repository.id' },
};

function mappingFile(resources: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'folder-kind-'));
  const file = join(dir, 'port-app-config.yml');
  writeFileSync(file, stringify({ resources: [REPOSITORY_RESOURCE, ...resources] }));
  return file;
}

const folderResource = (selector: Record<string, unknown>) => ({ kind: 'folder', selector: { query: 'true', ...selector }, port: { entity: { mappings: FOLDER_MAPPING } } });

function listedRepositories(ado: AzureDevOpsSimulator): RepositoryRecord[] {
  return ado.model
    .projectList()
    .filter((p) => p.state === 'wellFormed')
    .flatMap((p) => ado.model.repositoriesOf(p.id))
    .filter((r) => !r.isDisabled && r.defaultBranch !== null);
}

/** Folders of a repository's branch whose path passes `keep`, as the FOLDER_MAPPING writes them. */
function expectedFolders(ado: AzureDevOpsSimulator, targets: { repository: RepositoryRecord; branch: string; keep: (path: string) => string | undefined }[]): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const { repository, branch, keep } of targets) {
    for (const item of ado.model.files(repository.id, `refs/heads/${branch}`) ?? []) {
      const pattern = item.isFolder ? keep(item.path) : undefined;
      if (!pattern) continue;
      expected.set(`${repository.id}/${item.path.slice(1)}@${branch}`, { title: `${repository.name}:${item.path}`, properties: { path: item.path, branch, pattern }, relations: { repository: repository.id } });
    }
  }
  return expected;
}

const defaultBranch = (r: RepositoryRecord) => r.defaultBranch!.replace('refs/heads/', '');

describe.each([{ cloud: false }, { cloud: true }])('kind folder (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  let monorepo: RepositoryRecord;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 91 } });
    monorepo = listedRepositories(sims.ado)[0]!;
    // A branch whose layout differs from the default branch: only reading that branch finds these.
    sims.ado.mutate.push(monorepo.id, { branch: 'feature/layout', files: { '/services/payments/main.ts': 'x', '/services/ledger/api/main.ts': 'y' } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => sims.port.reset());

  it('lists the folders at the pattern depth on every repository default branch, and on the branch a repository entry names', async () => {
    const selector = {
      folders: [
        { path: 'src/*' },
        { path: '**/network' },
        { path: 'services/*', repos: [{ name: monorepo.name.toUpperCase(), branch: 'feature/layout' }] },
      ],
    };
    const run = await syncKinds(sims, ['repository', 'folder'], { cloud, args: ['--mapping', mappingFile([folderResource(selector)])] });
    expect(run.code, run.stderr).toBe(0);
    const everywhere = (path: string) => (/^\/src\/[^/]+$/.test(path) ? 'src/*' : /\/network$/.test(path) ? '**/network' : undefined);
    const expected = expectedFolders(sims.ado, [
      ...listedRepositories(sims.ado).map((repository) => ({ repository, branch: defaultBranch(repository), keep: everywhere })),
      { repository: monorepo, branch: 'feature/layout', keep: (path: string) => (/^\/services\/[^/]+$/.test(path) ? 'services/*' : undefined) },
    ]);
    expect(expected.has(`${monorepo.id}/services/payments@feature/layout`)).toBe(true);
    expect(expected.has(`${monorepo.id}/services/ledger/api@feature/layout`)).toBe(false);
    expect([...expected.keys()].some((k) => k.includes('/src/'))).toBe(true);
    expectBlueprint(sims, 'azureDevopsFolder', expected);
  });

  it('a branch or repository that does not exist is a warning, not a failure', async () => {
    const selector = { folders: [{ path: 'src/*', repos: [{ name: monorepo.name, branch: 'no-such-branch' }, 'no-such-repo'] }] };
    const run = await syncKinds(sims, ['repository', 'folder'], { cloud, args: ['--mapping', mappingFile([folderResource(selector)])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`branch 'no-such-branch' does not exist in repository '${monorepo.name}'`);
    expect(run.stderr).toContain('folders[].repos names no enabled repository in scope: no-such-repo');
    expect(sims.port.entities('azureDevopsFolder')).toEqual([]);
  });

  it('includedFiles: paths relative to each folder, read on the folder\'s branch (null when absent)', async () => {
    const includedFiles = ['main.ts', 'architecture.md', 'catalog-info.yaml', 'no-such-file.md'];
    const selector = { folders: [{ path: 'docs' }, { path: 'services/*', repos: [{ name: monorepo.name, branch: 'feature/layout' }] }], includedFiles };
    const resource = { ...folderResource(selector), port: { entity: { mappings: { ...FOLDER_MAPPING, properties: { path: '.path', branch: '.__branch', pattern: '.__includedFiles | tojson' } } } } };
    sims.ado.resetCounters();
    const run = await syncKinds(sims, ['repository', 'folder'], { cloud, args: ['--mapping', mappingFile([resource])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain("selector key 'includedFiles'");
    const targets = [
      ...listedRepositories(sims.ado).map((repository) => ({ repository, branch: defaultBranch(repository), keep: (path: string) => (path === '/docs' ? 'docs' : undefined) })),
      { repository: monorepo, branch: 'feature/layout', keep: (path: string) => (/^\/services\/[^/]+$/.test(path) ? 'services/*' : undefined) },
    ];
    const expected = expectedFolders(sims.ado, targets);
    const wanted = new Map<string, Record<string, string | null>>();
    for (const { repository, branch } of targets) {
      const files = sims.ado.model.files(repository.id, `refs/heads/${branch}`)!;
      for (const folder of files.filter((f) => f.isFolder)) {
        const key = `${repository.id}/${folder.path.slice(1)}@${branch}`;
        const entity = expected.get(key);
        if (!entity) continue;
        entity.properties = { path: folder.path, branch };
        wanted.set(key, Object.fromEntries(includedFiles.map((name) => [name, files.find((f) => !f.isFolder && f.path === `${folder.path}/${name}`)?.content ?? null])));
      }
    }
    // Only that branch has services/payments/main.ts; services/ledger has none (its main.ts is one folder deeper).
    expect(wanted.get(`${monorepo.id}/services/payments@feature/layout`)?.['main.ts']).toBe('x');
    expect(wanted.get(`${monorepo.id}/services/ledger@feature/layout`)?.['main.ts']).toBeNull();
    expect(wanted.get(`${monorepo.id}/docs@${defaultBranch(monorepo)}`)?.['architecture.md']).toEqual(expect.any(String));
    expectBlueprint(sims, 'azureDevopsFolder', expected);
    for (const entity of sims.port.entities('azureDevopsFolder')) {
      expect(JSON.parse(entity.properties.pattern as string), `__includedFiles of ${entity.identifier}`).toEqual(wanted.get(entity.identifier));
    }
    // One read per included path and folder.
    expect(sims.ado.counters().byRoute['git.items'] ?? 0).toBe(includedFiles.length * expected.size);
  });
});

describe('kind folder: project filter and the docs example', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 92, scale: 'tiny' } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => sims.port.reset());

  it('project_name keeps one project', async () => {
    const [project] = sims.ado.model.projectList().filter((p) => p.state === 'wellFormed');
    const run = await syncKinds(sims, ['repository', 'folder'], { args: ['--mapping', mappingFile([folderResource({ project_name: project!.name, folders: [{ path: '*' }] })])] });
    expect(run.code, run.stderr).toBe(0);
    const repositories = listedRepositories(sims.ado).filter((r) => r.projectId === project!.id);
    const expected = expectedFolders(
      sims.ado,
      repositories.map((repository) => ({ repository, branch: defaultBranch(repository), keep: (path: string) => (/^\/[^/]+$/.test(path) ? '*' : undefined) })),
    );
    expect(expected.size).toBeGreaterThan(0);
    expectBlueprint(sims, 'azureDevopsFolder', expected);
  });

  it('the example mapping of docs/kinds.md works as written', async () => {
    const project = sims.ado.model.projectList().find((p) => p.state === 'wellFormed')!;
    const platform = sims.ado.mutate.createRepository(project.id, { name: 'platform' });
    sims.ado.mutate.push(platform.id, { files: { '/services/billing/main.go': 'package main\n', '/services/search (beta)/main.go': 'package main\n' } });
    const example = findKind('folder')!.defaults.optIn!.example;
    const run = await syncKinds(sims, ['repository', 'folder'], { args: ['--mapping', mappingFile(example)] });
    expect(run.code, run.stderr).toBe(0);
    const stored = sims.port.entities('azureDevopsFolder');
    // The new repository may come with generated services too; the identifiers replace what Port does not allow.
    const folders = sims.ado.model.files(platform.id)!.filter((f) => f.isFolder && /^\/services\/[^/]+$/.test(f.path));
    expect(folders.map((f) => f.path)).toContain('/services/search (beta)');
    expect(stored.map((e) => e.identifier).sort()).toEqual(folders.map((f) => `${platform.id}${f.path.replace(/[^\p{L}0-9@_.+:/=-]/gu, '_')}@main`).sort());
    expect(stored.every((e) => e.relations.repository === platform.id && e.properties.branch === 'main')).toBe(true);
  });
});
