import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from '../../bench/options';
import { engineEnvironment, recordedOptions, type Simulators } from '../../bench/scenarios';

describe('benchmark options', () => {
  it('gives the engine process the --engine-env variables, each as written', () => {
    const options = parseBenchArgs(['--scale', 'large', '--engine-env', 'MALLOC_MMAP_THRESHOLD_=131072', '--engine-env', 'NODE_OPTIONS=--max-semi-space-size=8 --trace-gc'], '/r');
    expect(options.engineEnv).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8 --trace-gc' });
    expect(parseBenchArgs([], '/r').engineEnv).toEqual({});
  });

  it('refuses a setting that is not NAME=VALUE, naming the option', () => {
    for (const bad of ['MALLOC', '=1', '1X=2']) expect(() => parseBenchArgs(['--engine-env', bad], '/r')).toThrow(UsageError);
    expect(() => parseBenchArgs(['--engine-env', 'MALLOC'], '/r')).toThrow(/--engine-env needs NAME=VALUE, got 'MALLOC'/);
  });

  it('records the engine environment in the results file only when one was given', () => {
    expect(recordedOptions(parseBenchArgs(['--seed', '7'], '/r'))).toStrictEqual({ scale: 'medium', adoLatencyMs: 25, portLatencyMs: 40, adoConcurrency: 16, portConcurrency: 16, seed: 7, simMemo: true });
    expect(recordedOptions(parseBenchArgs(['--no-sim-memo'], '/r')).simMemo).toBe(false);
    expect(recordedOptions(parseBenchArgs(['--engine-env', 'A=1'], '/r')).engineEnv).toEqual({ A: '1' });
  });

  it("gives the engine the pipeline step's variables, then --engine-env, then the scenario's own", () => {
    const sims = { port: { url: 'http://127.0.0.1:1' }, cloudUrl: 'http://dev.azure.com:2/org' } as unknown as Simulators;
    const options = parseBenchArgs(['--engine-env', 'MALLOC_MMAP_THRESHOLD_=131072', '--engine-env', 'PORT_ADO_SYNC_SHARD=9/9'], '/r');
    const env = engineEnvironment(sims, options, { PORT_ADO_SYNC_SHARD: '1/4' });
    expect(env).toMatchObject({ OCEAN__PORT__BASE_URL: 'http://127.0.0.1:1', OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'http://dev.azure.com:2/org', MALLOC_MMAP_THRESHOLD_: '131072', PORT_ADO_SYNC_SHARD: '1/4' });
    expect(engineEnvironment(sims, parseBenchArgs([], '/r'))).not.toHaveProperty('MALLOC_MMAP_THRESHOLD_');
  });
});
