/**
 * Raw data examples (port-api-and-ocean-core.md §2.6) of large items: the file kind carries files
 * up to 1 MiB, so five whole items are a body Port refuses with 413. Long strings are cut and
 * examples dropped until the request fits; if Port still refuses, the run says so as a warning.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { EXAMPLE_STRING_MAX } from '../../core/port/raw-examples';
import { startSimulators, syncKinds, type Simulators } from '../support/simulators';

const INTEGRATION = 'my-azure-devops-integration';
const FILES = 5;
const SIZE = 300_000;

function mappingFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'raw-examples-')), 'port-app-config.yml');
  const resources = [
    { kind: 'repository', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"azureDevopsRepository"' } } } },
    {
      kind: 'file',
      selector: { query: 'true', files: { path: 'big/*.txt' } },
      port: { entity: { mappings: { identifier: '.repo.id + "/" + .file.path', title: '.file.path', blueprint: '"azureDevopsFile"', properties: { path: '.file.path', size: '.file.size' }, relations: { repository: '.repo.id' } } } },
    },
  ];
  writeFileSync(file, stringify({ resources }));
  return file;
}

describe('raw examples of large items', () => {
  let sims: Simulators;
  let mapping: string;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { seed: 82, scale: 'tiny' } });
    const repository = sims.ado.model
      .projectList()
      .filter((p) => p.state === 'wellFormed')
      .flatMap((p) => sims.ado.model.repositoriesOf(p.id))
      .find((r) => !r.isDisabled && r.defaultBranch !== null)!;
    sims.ado.mutate.push(repository.id, { files: Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`/big/file-${i}.txt`, `${i}`.repeat(SIZE)])) });
    mapping = mappingFile();
  });
  afterAll(async () => sims.close());
  beforeEach(() => {
    sims.port.clearFaults();
    sims.port.clearCalls();
  });

  it('five 300 KB files: their text is cut to a few KB, marked, and all five examples reach Port in one request', async () => {
    const run = await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mapping] });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).not.toMatch(/raw examples/);
    const sent = sims.port.integration(INTEGRATION)?.records.examples['file'] ?? [];
    expect(sent, 'one examples request for the file kind').toHaveLength(1);
    const examples = sent[0] as { file: { path: string; size: number; content: { raw: string } } }[];
    expect(examples).toHaveLength(FILES);
    for (const example of examples) {
      expect(example.file.size).toBe(SIZE);
      expect(example.file.content.raw).toMatch(new RegExp(`^(\\d)\\1{${EXAMPLE_STRING_MAX - 1}}… \\[truncated: ${SIZE - EXAMPLE_STRING_MAX} more characters\\]$`));
    }
    const call = sims.port.calls({ method: 'POST', path: `/v1/integration/${INTEGRATION}/kinds/file/examples` });
    expect(call).toHaveLength(1);
  });

  it('Port refusing the examples anyway: a warning names the kind and the answer, the run still succeeds', async () => {
    sims.port.injectFault({ method: 'POST', path: '/v1/integration/*/kinds/file/examples', status: 413 });
    const run = await syncKinds(sims, ['repository', 'file'], { args: ['--mapping', mapping] });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toMatch(/file: Port refused the raw examples: .*HTTP 413/);
  });
});
