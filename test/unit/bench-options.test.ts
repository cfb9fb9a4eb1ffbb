import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from '../../bench/options';

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
});
