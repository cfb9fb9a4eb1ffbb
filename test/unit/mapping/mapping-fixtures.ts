import { parsePortAppConfigYaml } from '../../../core/mapping/app-config';
import { compileResource, type ResourceMapper, type ResourceMapperOptions } from '../../../core/mapping/entity-mapper';
import { createJqEngine, type WasmJqEngine } from '../../../core/mapping/jq-engine';

let engine: Promise<WasmJqEngine> | undefined;

/** One engine per test file (vitest forks a process per file). */
export function testEngine(): Promise<WasmJqEngine> {
  engine ??= createJqEngine();
  return engine;
}

export async function mapperFromYaml(yaml: string, options: ResourceMapperOptions = {}, resourceIndex = 0): Promise<ResourceMapper> {
  const config = parsePortAppConfigYaml(yaml, 'port-app-config.yml');
  const resource = config.resources[resourceIndex];
  if (!resource) throw new Error(`no resource ${resourceIndex} in the test mapping`);
  return compileResource(resource, await testEngine(), options);
}

/**
 * A one-resource mapping (kind repository, every item selected) with these jq expressions, each
 * written as a YAML double-quoted scalar (JSON string syntax), so it reaches jq exactly as given.
 */
export function mappingYaml(mappings: { identifier: string; blueprint: string; properties?: Record<string, string> }): string {
  const lines = [`          identifier: ${JSON.stringify(mappings.identifier)}`, `          blueprint: ${JSON.stringify(mappings.blueprint)}`];
  if (mappings.properties) {
    lines.push('          properties:');
    for (const [name, expression] of Object.entries(mappings.properties)) lines.push(`            ${name}: ${JSON.stringify(expression)}`);
  }
  return ['', 'resources:', '  - kind: repository', '    selector:', "      query: 'true'", '    port:', '      entity:', '        mappings:', ...lines, ''].join('\n');
}

/** A one-resource mapping whose `properties.v` is `expression`. */
export function propertyMappingYaml(expression: string): string {
  return mappingYaml({ identifier: '"fixed"', blueprint: '"azureDevopsRepository"', properties: { v: expression } });
}

/** Azure DevOps-shaped raw items, as the REST API returns them (plus Ocean's enrichment keys). */
export const repository = {
  id: '5febef5a-833d-4e14-b9c0-14cb638f91e6',
  name: 'payments-api',
  url: 'https://dev.azure.com/contoso/Payments/_apis/git/repositories/5febef5a-833d-4e14-b9c0-14cb638f91e6/',
  project: { id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c', name: 'Payments', state: 'wellFormed' },
  defaultBranch: 'refs/heads/main',
  size: 1024,
  isDisabled: false,
  webUrl: 'https://dev.azure.com/contoso/Payments/_git/payments-api',
  __organizationUrl: 'https://dev.azure.com/contoso',
};

export const workItem = {
  id: 42,
  rev: 3,
  fields: {
    'System.Title': 'Fix login timeout',
    'System.State': 'Active',
    'System.WorkItemType': 'Bug',
    'System.CreatedDate': '2024-05-01T12:34:56.789Z',
    'System.Tags': 'backend; urgent',
    'Microsoft.VSTS.Common.Priority': 2,
    'System.AssignedTo': { displayName: 'Ada Lovelace', uniqueName: 'ada@contoso.com' },
  },
};

export const pullRequest = {
  pullRequestId: 7,
  status: 'active',
  title: 'Add retries',
  sourceRefName: 'refs/heads/feature/retries',
  reviewers: [
    { uniqueName: 'ana@contoso.com', vote: 10 },
    { uniqueName: 'bo@contoso.com', vote: 0 },
  ],
  labels: [{ name: 'infra' }, { name: 'ready' }],
  encoded: 'aGVsbG8gd29ybGQ=',
};
