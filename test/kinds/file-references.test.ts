/**
 * Ocean's deprecated `file://<path>` property values, as mappings brought from Ocean still carry
 * them (ocean-azure-devops.md §1.4): read from the repository's default branch, with a warning.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpectedEntity } from '../support/default-catalog-oracle';
import { expectBlueprint } from '../support/port-assertions';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

function mappingWith(resource: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'file-references-')), 'port-app-config.yml');
  writeFileSync(path, `resources:\n${resource}`);
  return path;
}

const REPOSITORIES = `  - kind: repository
    selector:
      query: 'true'
      includedFiles: [azure-pipelines.yml]
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"azureDevopsRepository"'
          properties:
            readme: file://README.md
            url: .__includedFiles["azure-pipelines.yml"]
`;

describe("Ocean's file:// property values", () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 71 } });
  });
  afterAll(async () => sims.close());

  it("reads the file from each repository's default branch, next to the selector's includedFiles, with a warning naming the field", async () => {
    const run = await syncKinds(sims, ['repository'], { args: ['--mapping', mappingWith(REPOSITORIES)] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/port-app-config\.yml:13.*resources\[0\]\.port\.entity\.mappings\.properties\.readme: `file:\/\/README\.md` is Ocean's deprecated form; it is read as \.__includedFiles\["README\.md"\]/);
    const model = sims.ado.model;
    const expected = new Map<string, ExpectedEntity>();
    for (const project of model.projectList().filter((p) => p.state === 'wellFormed')) {
      for (const repository of model.repositoriesOf(project.id).filter((r) => !r.isDisabled)) {
        const files = model.files(repository.id) ?? [];
        const text = (path: string) => files.find((f) => f.path === path)?.content ?? null;
        expected.set(repository.id, { title: repository.name, properties: { readme: text('/README.md'), url: text('/azure-pipelines.yml') } });
      }
    }
    expect([...expected.values()].some((e) => e.properties?.['readme'] !== null)).toBe(true);
    expectBlueprint(sims, 'azureDevopsRepository', expected);
  });

  it('refuses one on a kind that has no repository files, naming the field, before any write', async () => {
    const mapping = mappingWith(`  - kind: project
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"azureDevopsProject"'
          properties:
            readme: file://README.md
`);
    sims.port.reset();
    const run = await syncKinds(sims, ['project'], { args: ['--mapping', mapping] });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/port-app-config\.yml:11:\d+: resources\[0\]\.port\.entity\.mappings\.properties\.readme: `file:\/\/README\.md` reads a file of a repository, which only the repository, file and folder kinds have/);
    expect(sims.port.entities('azureDevopsProject')).toHaveLength(0);
  });
});
