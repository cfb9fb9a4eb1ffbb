import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePortAppConfigYaml } from '../../../core/mapping/app-config';
import { compilePortAppConfig } from '../../../core/mapping/entity-mapper';
import { pullRequest, repository, testEngine, workItem } from './mapping-fixtures';

/** The YAML examples in docs/mapping.md must parse, compile and do what the text says. */

const docs = readFileSync(new URL('../../../docs/mapping.md', import.meta.url), 'utf8');
const yamlBlocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

const indent = (text: string, by: number) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : ' '.repeat(by) + line))
    .join('\n');

/** Completes a fragment (a resource, or some mapping keys) into a whole port-app-config. */
function asConfig(block: string): string {
  if (/^(resources|deleteDependentEntities):/m.test(block)) return block;
  if (block.startsWith('- kind:')) return `resources:\n${indent(block, 2)}`;
  const keys = /^identifier:/m.test(block) ? block : `identifier: .id | tostring\n${block}`;
  return `resources:\n  - kind: docs\n    port:\n      entity:\n        mappings:\n${indent(`blueprint: '"docs"'\n${keys}`, 10)}`;
}

describe('docs/mapping.md examples', () => {
  it('has YAML examples', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(yamlBlocks.map((block, i) => [i, block] as const))('example %i parses and compiles', async (_i, block) => {
    const config = parsePortAppConfigYaml(asConfig(block), 'docs/mapping.md');
    expect(config.resources.length).toBeGreaterThan(0);
    expect(compilePortAppConfig(config, await testEngine())).toHaveLength(config.resources.length);
  });

  it('the date idiom block gives the values its comments state', async () => {
    const block = yamlBlocks.find((b) => b.includes('fromdate'));
    const [mapper] = compilePortAppConfig(parsePortAppConfigYaml(asConfig(block ?? ''), 'docs/mapping.md'), await testEngine());
    expect(mapper?.mapBatch([workItem]).entities[0]?.properties).toEqual({ createdAt: 1714566896, created: '2024-05-01T12:34:56Z', createdAt2: 1714566896 });
  });

  it('the search-query block sends the JSON the text shows', async () => {
    const block = yamlBlocks.find((b) => b.startsWith('relations:'));
    const [mapper] = compilePortAppConfig(parsePortAppConfigYaml(asConfig(block ?? ''), 'docs/mapping.md'), await testEngine());
    const [entity] = mapper?.mapBatch([pullRequest]).entities ?? [];
    const shown = /sends\n`(\{.*\})`/.exec(docs)?.[1];
    expect(JSON.stringify(entity?.relations?.['reviewers'])).toBe(shown);
    expect(entity?.identifier).toEqual({ combinator: 'and', rules: [{ property: 'prId', operator: '=', value: '7' }] });
  });

  it('the first example maps a repository', async () => {
    const [mapper] = compilePortAppConfig(parsePortAppConfigYaml(yamlBlocks[0] ?? '', 'docs/mapping.md'), await testEngine());
    const item = { ...repository, __includedFiles: { 'README.md': '# Payments' } };
    expect(mapper?.mapBatch([item]).entities).toEqual([
      {
        identifier: repository.id,
        title: 'payments-api',
        blueprint: 'azureDevopsRepository',
        properties: { url: repository.webUrl, defaultBranch: 'main', readme: '# Payments' },
        relations: { project: repository.project.id },
      },
    ]);
  });
});
