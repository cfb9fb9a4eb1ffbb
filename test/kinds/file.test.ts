import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { findKind } from '../../core/kinds/registry';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { RepositoryRecord } from '../../sim/azure-devops/model/records';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

const REPOSITORY_RESOURCE = { kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsRepository"' } } } };

const FILE_MAPPING = {
  identifier: '.repo.id + "/" + .file.path',
  title: '.repo.name + ":" + .file.path',
  blueprint: '"azureDevopsFile"',
  // `content` holds the parsed data as JSON text, so the test can compare it.
  properties: { path: '.file.path', size: '.file.size', content: '.file.content.parsed | tojson' },
  relations: { repository: '.repo.id' },
};

function mappingFile(resources: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'file-kind-'));
  const file = join(dir, 'port-app-config.yml');
  writeFileSync(file, stringify({ resources: [REPOSITORY_RESOURCE, ...resources] }));
  return file;
}

const fileResource = (files: Record<string, unknown>) => ({ kind: 'file', selector: { query: 'true', files }, port: { entity: { mappings: FILE_MAPPING } } });

/** Repositories the file kind reads: enabled and not empty, in a well-formed project. */
function listedRepositories(ado: AzureDevOpsSimulator): RepositoryRecord[] {
  return ado.model
    .projectList()
    .filter((p) => p.state === 'wellFormed')
    .flatMap((p) => ado.model.repositoriesOf(p.id))
    .filter((r) => !r.isDisabled && r.defaultBranch !== null);
}

/** The parsed data as the test reads the formats (JSON.parse, every YAML document). */
function parsed(path: string, text: string): unknown {
  if (path.endsWith('.json')) return JSON.parse(text);
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
    return docs.length === 1 ? docs[0] : docs;
  }
  return null;
}

function expectedFiles(ado: AzureDevOpsSimulator, keep: (path: string, repository: RepositoryRecord) => boolean, withContent = true): Map<string, ExpectedEntity> {
  const expected = new Map<string, ExpectedEntity>();
  for (const repository of listedRepositories(ado)) {
    for (const file of ado.model.files(repository.id) ?? []) {
      if (file.isFolder || !keep(file.path, repository)) continue;
      const path = file.path.slice(1);
      const content = file.content ?? '';
      expected.set(`${repository.id}/${path}`, {
        title: `${repository.name}:${path}`,
        properties: { path, size: Buffer.byteLength(content), ...(withContent ? { content: JSON.stringify(parsed(path, content)) } : {}) },
        relations: { repository: repository.id },
      });
    }
  }
  return expected;
}

describe.each([{ cloud: false }, { cloud: true }])('kind file (cloud form: $cloud)', ({ cloud }) => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 81 } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => {
    sims.port.reset();
    sims.ado.resetCounters();
  });

  it('the example mapping of docs/kinds.md: literal paths and globs on the default branch, raw content', async () => {
    const example = findKind('file')!.defaults.optIn!.example;
    const run = await syncKinds(sims, ['repository', 'file'], { cloud, args: ['--mapping', mappingFile(example)] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedFiles(sims.ado, (path) => path === '/package.json' || /^\/services\/[^/]+\/catalog-info\.yaml$/.test(path), false);
    for (const [identifier, entity] of expected) {
      const [repositoryId] = identifier.split('/');
      const content = sims.ado.model.files(repositoryId!)!.find((f) => `${repositoryId}/${f.path.slice(1)}` === identifier)!.content;
      entity.properties = { ...entity.properties, content };
    }
    expect([...expected.keys()].some((k) => k.endsWith('package.json')) && [...expected.keys()].some((k) => k.endsWith('catalog-info.yaml'))).toBe(true);
    expectBlueprint(sims, 'azureDevopsFile', expected);
    // One items batch per repository lists every pattern.
    expect(sims.ado.counters().byRoute['git.itemsBatch']).toBe(listedRepositories(sims.ado).length);
  });

  it('globs with ** and braces, a repository filter, and JSON and YAML parsed', async () => {
    const [first, second] = listedRepositories(sims.ado);
    const files = { path: ['**/*.{yml,yaml}', '**/package.json', 'CODEOWNERS'], repos: [first!.name, second!.name.toUpperCase(), 'retired-service'] };
    const run = await syncKinds(sims, ['repository', 'file'], { cloud, args: ['--mapping', mappingFile([fileResource(files)])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('files.repos names no enabled repository in scope: retired-service');
    const expected = expectedFiles(sims.ado, (path, repository) => [first!.id, second!.id].includes(repository.id) && (/\.(yml|yaml)$/.test(path) || /(^|\/)package\.json$/.test(path) || path === '/CODEOWNERS'));
    expect([...expected.values()].some((e) => e.properties?.content !== 'null')).toBe(true);
    expectBlueprint(sims, 'azureDevopsFile', expected);
  });

  it('includedFiles: paths from the repository root, read once per repository on the default branch, the same map on each of its files (null when absent)', async () => {
    const includedFiles = ['README.md', 'CODEOWNERS', 'docs/architecture.md', 'no/such-file.md'];
    const mappings = { ...FILE_MAPPING, properties: { path: '.file.path', content: '.__includedFiles | tojson' } };
    const resource = { kind: 'file', selector: { query: 'true', files: { path: ['azure-pipelines.yml', 'docs/*.md'] }, includedFiles }, port: { entity: { mappings } } };
    const run = await syncKinds(sims, ['repository', 'file'], { cloud, args: ['--mapping', mappingFile([resource])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain("selector key 'includedFiles'");
    const expected = expectedFiles(sims.ado, (path) => path === '/azure-pipelines.yml' || /^\/docs\/[^/]+\.md$/.test(path), false);
    for (const entity of expected.values()) entity.properties = { path: entity.properties!['path'] };
    expectBlueprint(sims, 'azureDevopsFile', expected);
    const text = (repositoryId: string, path: string) => sims.ado.model.files(repositoryId)!.find((f) => !f.isFolder && f.path === path)?.content ?? null;
    const maps = sims.port.entities('azureDevopsFile').map((e) => {
      const repositoryId = e.relations.repository as string;
      const want = { 'README.md': text(repositoryId, '/README.md'), CODEOWNERS: text(repositoryId, '/CODEOWNERS'), 'docs/architecture.md': text(repositoryId, '/docs/architecture.md'), 'no/such-file.md': null };
      expect(JSON.parse(e.properties.content as string), `__includedFiles of ${e.identifier}`).toEqual(want);
      return want;
    });
    // The seed has repositories with and without a CODEOWNERS, so both a text and a null are checked.
    expect(maps.some((m) => m.CODEOWNERS !== null) && maps.some((m) => m.CODEOWNERS === null) && maps.every((m) => m['README.md'] !== null)).toBe(true);
    // One read of each file listed, and one per included path and repository, however many files a repository has.
    expect(sims.ado.counters().byRoute['git.items']).toBe(expected.size + includedFiles.length * listedRepositories(sims.ado).length);
  });
});

describe('kind file: content edge cases', () => {
  let sims: Simulators;
  let repository: RepositoryRecord;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 82, scale: 'tiny' } });
    repository = listedRepositories(sims.ado)[0]!;
    sims.ado.mutate.push(repository.id, {
      files: {
        '/deploy/stack.yaml': 'kind: Service\nname: api\n---\nkind: Deployment\nname: api\n',
        '/deploy/broken.json': '{ "name": ',
        '/deploy/big.yaml': `data: "${'x'.repeat(5000)}"\n`,
        '/deploy/empty.yaml': '',
        '/deploy/notes.txt': 'é ü — plain text\n',
      },
    });
  });
  afterAll(async () => sims.close());
  beforeEach(() => sims.port.reset());

  it('parses multi-document YAML into a list, keeps unparsable and other files raw, skips files over maxSizeBytes', async () => {
    const files = { path: 'deploy/*', repos: [repository.name], maxSizeBytes: 4096 };
    const run = await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mappingFile([fileResource(files)])] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`1 file(s) larger than files.maxSizeBytes (4096 bytes) skipped: ${repository.name}:/deploy/big.yaml`);
    expect(run.stderr).toContain(`1 JSON or YAML file(s) could not be parsed; their content.parsed is null: ${repository.name}:/deploy/broken.json (`);
    const stored = new Map(sims.port.entities('azureDevopsFile').map((e) => [e.properties.path, e.properties]));
    expect([...stored.keys()].sort()).toEqual(['deploy/broken.json', 'deploy/empty.yaml', 'deploy/notes.txt', 'deploy/stack.yaml']);
    expect(JSON.parse(stored.get('deploy/stack.yaml')!.content as string)).toEqual([
      { kind: 'Service', name: 'api' },
      { kind: 'Deployment', name: 'api' },
    ]);
    expect(stored.get('deploy/broken.json')!.content).toBe('null');
    expect(stored.get('deploy/notes.txt')!.size).toBe(Buffer.byteLength('é ü — plain text\n'));
  });

  it('lists path by path when the items batch is refused (Ocean saw 400 for a missing path)', async () => {
    const files = { path: ['deploy/*.yaml', 'missing/**', 'CODEOWNERS'], repos: [repository.name] };
    const fault = sims.ado.faults.add({ kind: 'status', route: 'git.itemsBatch', status: 400 });
    try {
      sims.ado.resetCounters();
      const run = await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mappingFile([fileResource(files)])] });
      expect(run.code, run.stderr).toBe(0);
      expect(sims.ado.counters().byRoute['git.itemsBatch']).toBe(1);
      const expected = expectedFiles(sims.ado, (path, r) => r.id === repository.id && (/^\/deploy\/[^/]+\.yaml$/.test(path) || path === '/CODEOWNERS'), false);
      expectBlueprint(sims, 'azureDevopsFile', expected);
    } finally {
      sims.ado.faults.clear(fault);
    }
  });

  it('a file that cannot be read fails the listing (and keeps deletions off) instead of vanishing', async () => {
    const files = { path: 'deploy/*.yaml', repos: [repository.name] };
    const mapping = mappingFile([fileResource(files)]);
    expect((await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mapping] })).code).toBe(0);
    const before = sims.port.entities('azureDevopsFile').length;
    const fault = sims.ado.faults.add({ kind: 'status', route: 'git.items', status: 400, times: 1 });
    try {
      const run = await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mapping] });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toMatch(/file #1 failed/);
      expect(sims.port.entities('azureDevopsFile')).toHaveLength(before);
    } finally {
      sims.ado.faults.clear(fault);
    }
  });
});

describe('kind file at medium scale', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 83, scale: 'medium' } });
  });
  afterAll(async () => sims.close());

  it('reads the matching files of every repository', async () => {
    const run = await syncKinds(sims, ['repository', 'file'], { cloud: true, args: ['--mapping', mappingFile([fileResource({ path: ['**/*.{json,yaml}', 'CODEOWNERS'] })])] });
    expect(run.code, run.stderr).toBe(0);
    const expected = expectedFiles(sims.ado, (path) => /\.(json|yaml)$/.test(path) || path === '/CODEOWNERS');
    expect(expected.size).toBeGreaterThan(50);
    expectBlueprint(sims, 'azureDevopsFile', expected);
  });
});
