import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { layerFromEnvironment, layerFromFlags, parseConfigFile, resolveConfig } from '../../../core/config';
import { configErrorOf } from './fixtures';

// The examples in docs/configuration.md are run here, so the documentation cannot drift from the code.
const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const blocks = (language: string) => [...doc.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');

describe('docs/configuration.md examples', () => {
  it('the config file example resolves, with its secrets taken from the environment', () => {
    const example = blocks('yaml').find((block) => block.includes('# port-ado-sync.yml'));
    expect(example).toBeDefined();
    const env = { PORT_CLIENT_ID: 'cid', PORT_CLIENT_SECRET: 'client-secret-value', ADO_PAT: 'pat-value-123', WEBHOOK_SECRET: 'hook-secret', RECEIVER_KEY: 'rk-1234' };
    const { config, warnings } = resolveConfig([parseConfigFile(example!, { env, displayPath: 'port-ado-sync.yml', baseDir: '/repo/ci' })]);
    expect(warnings).toEqual([]);
    expect(config.azureDevOps.credential).toEqual({ type: 'pat', token: 'pat-value-123' });
    expect(config.mapping).toEqual({ source: 'file', path: resolve('/repo/ci', '../.port/port-app-config.yml') });
    expect(config.webhooks.headers['X-Receiver-Key']).toEqual({ value: 'rk-1234', secret: true });
  });

  it('the Azure Pipeline example runs on the port-ocean-credentials variable group unchanged', () => {
    const pipeline = blocks('yaml').find((block) => block.includes('port-ocean-credentials'));
    const step = (parse(pipeline!) as { steps: { env: Record<string, string> }[] }).steps[0]!;
    const group: Record<string, string> = {
      OCEAN__PORT__CLIENT_ID: 'cid',
      OCEAN__PORT__CLIENT_SECRET: 'client-secret-value',
      OCEAN__PORT__BASE_URL: 'https://api.getport.io',
      OCEAN__INTEGRATION__IDENTIFIER: 'azure-devops',
      OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso',
      OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat-value-123',
    };
    // What Azure Pipelines does with $(NAME): the value if the variable exists, the text itself if not.
    const expand = (vars: Record<string, string>) =>
      Object.fromEntries(Object.entries(step.env).map(([name, text]) => [name, text.replace(/\$\(([\w.]+)\)/g, (macro, v: string) => vars[v] ?? macro)]));

    const { config, warnings } = resolveConfig([layerFromEnvironment(expand(group))]);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      port: { baseUrl: 'https://api.getport.io' },
      integration: { identifier: 'azure-devops' },
      initializePortResources: true,
      sendRawDataExamples: true,
      scheduledResyncIntervalMinutes: 360,
    });

    const { OCEAN__PORT__BASE_URL: _omitted, ...withoutBaseUrl } = group;
    const error = configErrorOf(() => resolveConfig([layerFromEnvironment(expand(withoutBaseUrl))]));
    expect(error.problems).toEqual([
      { source: 'environment variable OCEAN__PORT__BASE_URL', message: expect.stringContaining('the pipeline variable OCEAN__PORT__BASE_URL is not defined') as string },
    ]);
  });

  it('the CLI example flags are real flags', () => {
    const env = { OCEAN__PORT__CLIENT_ID: 'c', OCEAN__PORT__CLIENT_SECRET: 's', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/x', OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'p' };
    const { config } = resolveConfig([layerFromEnvironment(env), layerFromFlags({ plan: true, kinds: 'project,repository' })]);
    expect(config.mode).toBe('plan');
    expect(config.filters.kinds).toEqual(['project', 'repository']);
    expect(blocks('bash').join('\n')).toMatch(/--plan[\s\S]*--kinds project,repository/);
  });
});
