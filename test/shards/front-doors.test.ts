/**
 * The shard setting through each front door: the task's input and its default from a parallel
 * job's position, the action's input, the CLI flag, the environment variable, and the precedence
 * between them. Configuration only; the runs themselves are in equivalence.test.ts and the bundle
 * tests of test/task and test/action.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readActionSettings } from '../../action/src/inputs';
import { ConfigError, layerFromEnvironment, layerFromFlags, resolveConfig, type ConfigLayer } from '../../core/config';
import type { Agent } from '../../task/src/agent';
import { INPUT_DEFAULTS, readTaskInputs } from '../../task/src/inputs';
import { jobDefaults } from '../../task/src/job-defaults';
import { layerFromPipelineVariables } from '../../task/src/pipeline-variables';

const WORKDIR = mkdtempSync(join(tmpdir(), 'shard-inputs-'));
const REQUIRED = {
  OCEAN__PORT__CLIENT_ID: 'client-id',
  OCEAN__PORT__CLIENT_SECRET: 'client-secret-0001',
  OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso',
  OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat-0001-abcdefghijkl',
};

/** An agent as the real one behaves: every input present, task.json's default where the pipeline gave none. */
function agent(inputs: Record<string, string>, variables: Record<string, string>): Agent {
  const all = { ...INPUT_DEFAULTS, ...inputs };
  const vars = new Map(Object.entries({ ...REQUIRED, ...variables }).map(([k, v]) => [k.toUpperCase(), v]));
  return {
    input: (name) => (all[name] === '' ? undefined : all[name]),
    variable: (name) => vars.get(name.toUpperCase()),
    serviceConnection: () => undefined,
    jobAccessToken: () => undefined,
    proxy: () => undefined,
    certificates: () => ({ caFile: undefined, clientCertificate: false, skipValidation: false }),
  };
}

/** The task's layers in main.ts's order: inputs, pipeline variables, what the job offers. */
function taskLayers(inputs: Record<string, string> = {}, variables: Record<string, string> = {}): ConfigLayer[] {
  const a = agent(inputs, variables);
  const read = readTaskInputs(a, { workingDirectory: WORKDIR });
  const defaults = jobDefaults(a, { offerJobAccessToken: read.offerJobAccessToken, summaryPath: join(WORKDIR, 'summary.json') });
  return [...read.layers, layerFromPipelineVariables(a, {}, { cwd: WORKDIR }), defaults.layer];
}

function problems(layers: readonly ConfigLayer[]): string[] {
  try {
    resolveConfig(layers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.source ?? ''}: ${p.message}`);
    throw error;
  }
  return [];
}

const PARALLEL_JOB = { 'System.JobPositionInPhase': '2', 'System.TotalJobsInPhase': '3' };

describe('the task', () => {
  it('syncs the whole organization in an ordinary job', () => {
    expect(resolveConfig(taskLayers()).config.shard).toBeUndefined();
    expect(resolveConfig(taskLayers({}, { 'System.JobPositionInPhase': '1', 'System.TotalJobsInPhase': '1' })).config.shard).toBeUndefined();
  });

  it('is shard position-1 of n in job 2 of a `parallel: 3` (or matrix) strategy', () => {
    expect(resolveConfig(taskLayers({}, PARALLEL_JOB)).config.shard).toEqual({ index: 1, count: 3 });
  });

  it('lets input `shard` override the job position, and `none` turn sharding off', () => {
    expect(resolveConfig(taskLayers({ shard: '0/2' }, PARALLEL_JOB)).config.shard).toEqual({ index: 0, count: 2 });
    expect(resolveConfig(taskLayers({ shard: 'none' }, PARALLEL_JOB)).config.shard).toEqual({ index: 0, count: 1 });
  });

  it('lets the variable PORT_ADO_SYNC_SHARD override the job position too', () => {
    expect(resolveConfig(taskLayers({}, { ...PARALLEL_JOB, PORT_ADO_SYNC_SHARD: '3/4' })).config.shard).toEqual({ index: 3, count: 4 });
  });

  it('reports a bad shard naming the input, before anything runs', () => {
    expect(problems(taskLayers({ shard: '3/3' }))).toEqual([expect.stringMatching(/^input 'shard'.*0-based and must be below the count \(0 to 2 for 3 shards\)/)]);
    expect(problems(taskLayers({ shard: 'half' }))).toEqual([expect.stringMatching(/^input 'shard'.*<index>\/<count>/)]);
  });
});

describe('the action', () => {
  const settings = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    readActionSettings((name) => inputs[name] ?? '', { ...REQUIRED, GITHUB_WORKSPACE: WORKDIR, RUNNER_TEMP: WORKDIR, ...env });

  it('takes input `shard` as index/count', () => {
    expect(resolveConfig(settings({ shard: '1/4' }).layers).config.shard).toEqual({ index: 1, count: 4 });
    expect(resolveConfig(settings({}).layers).config.shard).toBeUndefined();
  });

  it('prefers the input to PORT_ADO_SYNC_SHARD in the environment', () => {
    expect(resolveConfig(settings({ shard: '0/2' }, { PORT_ADO_SYNC_SHARD: '1/2' }).layers).config.shard).toEqual({ index: 0, count: 2 });
    expect(resolveConfig(settings({}, { PORT_ADO_SYNC_SHARD: '1/2' }).layers).config.shard).toEqual({ index: 1, count: 2 });
  });

  it('reports a bad shard naming the input', () => {
    expect(problems(settings({ shard: '2/2' }).layers)).toEqual([expect.stringMatching(/^input 'shard'.*0 to 1 for 2 shards/)]);
  });
});

describe('the CLI', () => {
  it('takes --shard i/n above the environment', () => {
    const layers = [layerFromFlags({ shard: '2/3' }, { cwd: WORKDIR }), layerFromEnvironment({ ...REQUIRED, PORT_ADO_SYNC_SHARD: '0/3' })];
    expect(resolveConfig(layers).config.shard).toEqual({ index: 2, count: 3 });
    expect(problems([layerFromFlags({ shard: '1/65' }, { cwd: WORKDIR }), layerFromEnvironment(REQUIRED)])).toEqual([expect.stringMatching(/--shard.*at most 64/)]);
  });
});
