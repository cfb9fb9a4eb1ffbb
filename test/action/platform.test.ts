/**
 * ActionPlatform against a recording stand-in for @actions/core: which workflow commands each
 * platform call becomes. The bundle tests check the same through the real @actions/core.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActionPlatform, type ActionsCore } from '../../action/src/platform';

type Call = [string, ...unknown[]];

function recordingCore(options: { debug?: boolean } = {}) {
  const calls: Call[] = [];
  const summary = {
    text: '',
    addRaw(text: string, addEOL = false) {
      summary.text += addEOL ? `${text}\n` : text;
      return summary;
    },
    write() {
      calls.push(['summary', summary.text]);
      return Promise.resolve(summary);
    },
  };
  const core = {
    info: (m: string) => calls.push(['info', m]),
    warning: (m: string, p?: unknown) => calls.push(p === undefined ? ['warning', m] : ['warning', m, p]),
    error: (m: string, p?: unknown) => calls.push(p === undefined ? ['error', m] : ['error', m, p]),
    debug: (m: string) => calls.push(['debug', m]),
    isDebug: () => options.debug ?? false,
    setSecret: (s: string) => calls.push(['setSecret', s]),
    group: async <T>(name: string, fn: () => Promise<T>) => {
      calls.push(['group', name]);
      const result = await fn();
      calls.push(['endgroup']);
      return result;
    },
    setOutput: (name: string, value: unknown) => calls.push(['setOutput', name, String(value)]),
    setFailed: (m: string) => calls.push(['setFailed', m]),
    summary,
  } as unknown as ActionsCore;
  return { core, calls };
}

const base = { toleratePartialFailure: false, workspace: '/repo', debug: false, hasStepSummary: true };

afterEach(() => {
  process.exitCode = undefined;
});

describe('ActionPlatform', () => {
  it('registers each secret once, line by line for multi-line ones, and masks it in its own output', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.setSecret('s3cr3t-value');
    platform.setSecret('s3cr3t-value');
    platform.setSecret('line-one-secret\nline-two-secret');
    platform.info('token s3cr3t-value and line-two-secret');
    expect(calls.filter((c) => c[0] === 'setSecret').map((c) => c[1])).toEqual(['s3cr3t-value', 'line-one-secret\nline-two-secret', 'line-one-secret', 'line-two-secret']);
    expect(calls.at(-1)).toEqual(['info', 'token *** and ***']);
  });

  it('never lets plain log text become a workflow command', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.info('Mapping: 2 resource(s)\n::add-mask::everything\n  ::stop-commands::x\nrepo ##[set-output name=result]success');
    const [, printed] = calls[0] as [string, string];
    for (const line of printed.split('\n')) expect(line.trimStart().startsWith('::'), line).toBe(false);
    expect(printed).not.toContain('##[');
    // A reader sees the same text: only zero-width spaces were added.
    expect(printed.replace(/\u200B/g, '')).toBe('Mapping: 2 resource(s)\n::add-mask::everything\n  ::stop-commands::x\nrepo ##[set-output name=result]success');
  });

  it('annotates problems with the file relative to the workspace, its line and column', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.error('bad jq', { file: '/repo/.port/port-app-config.yml', line: 12, column: 5 });
    platform.warn('outside', { file: '/elsewhere/x.yml', line: 3 });
    platform.warn('plain');
    expect(calls).toEqual([
      ['error', 'bad jq', { file: '.port/port-app-config.yml', startLine: 12, startColumn: 5 }],
      ['warning', 'outside', { file: '/elsewhere/x.yml', startLine: 3 }],
      ['warning', 'plain', {}],
    ]);
  });

  it('folds each section into a log group', async () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    const value = await platform.section('project (resources[0])', async () => {
      platform.info('inside');
      return 42;
    });
    expect(value).toBe(42);
    expect(calls).toEqual([['group', 'project (resources[0])'], ['info', 'inside'], ['endgroup']]);
  });

  it('shows debug lines in the log when the input asks for them, and as ::debug:: otherwise', () => {
    const quiet = recordingCore();
    new ActionPlatform(quiet.core, base).debug('detail');
    const loud = recordingCore();
    new ActionPlatform(loud.core, { ...base, debug: true }).debug('detail');
    expect(quiet.calls).toEqual([['debug', 'detail']]);
    expect(loud.calls).toEqual([['info', 'debug: detail']]);
  });

  it('shows debug lines once the configuration asks for log level debug (a variable or the config file)', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.debug('before');
    platform.showDebug();
    platform.debug('after');
    expect(calls).toEqual([
      ['debug', 'before'],
      ['info', 'debug: after'],
    ]);
  });

  it('writes the summary to the job summary and the log, masked', async () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.setSecret('hidden-value');
    await platform.publishSummary('| kind | hidden-value |', 'text hidden-value');
    expect(calls.slice(1)).toEqual([
      ['info', 'text ***'],
      ['summary', '| kind | *** |\n'],
    ]);
  });

  it('sets every output of a finished run', () => {
    const { core, calls } = recordingCore();
    new ActionPlatform(core, base).setOutputs({ result: 'partial', listed: 10, upserted: 7, unchanged: 1, failed: 2, deleted: 0, summaryPath: '/tmp/s.json' });
    expect(calls).toEqual([
      ['setOutput', 'result', 'partial'],
      ['setOutput', 'exit-code', '1'],
      ['setOutput', 'listed', '10'],
      ['setOutput', 'upserted', '7'],
      ['setOutput', 'unchanged', '1'],
      ['setOutput', 'failed', '2'],
      ['setOutput', 'deleted', '0'],
      ['setOutput', 'summary-path', '/tmp/s.json'],
    ]);
  });

  const partialOutputs = { result: 'partial' as const, listed: 10, upserted: 7, unchanged: 1, failed: 1, deleted: 0 };

  it('fails the step when some kinds failed, saying how to tolerate it', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.setOutputs(partialOutputs);
    platform.complete('partial', 'Some kinds failed: repository.');
    expect(calls.at(-1)).toEqual(['setFailed', 'Some kinds failed: repository. Set tolerate-partial-failure: true to pass the step when only some kinds fail.']);
  });

  it('passes the step with a warning when some kinds failed and the user tolerates it', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, { ...base, toleratePartialFailure: true });
    platform.setOutputs(partialOutputs);
    platform.complete('partial', 'Some kinds failed: repository.');
    expect(calls.at(-1)).toEqual(['warning', 'Some kinds failed: repository. The step passes because tolerate-partial-failure is true.']);
    expect(calls.some((c) => c[0] === 'setFailed')).toBe(false);
  });

  it('does not tolerate a partial run in which no kind failed (a plan whose deletion guard would trip)', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, { ...base, toleratePartialFailure: true });
    platform.setOutputs({ ...partialOutputs, failed: 0 });
    platform.complete('partial', 'Plan: deletion guard: 5 of 5 owned entities would be deleted.');
    expect(calls.at(-1)).toEqual(['setFailed', 'Plan: deletion guard: 5 of 5 owned entities would be deleted.']);
  });

  it('sets result, exit-code and zero counts when the run stops before producing outputs', () => {
    const { core, calls } = recordingCore();
    new ActionPlatform(core, base).complete('config-error', 'Invalid configuration (1 problem).');
    expect(calls).toEqual([
      ['setOutput', 'result', 'config-error'],
      ['setOutput', 'exit-code', '2'],
      ...['listed', 'upserted', 'unchanged', 'failed', 'deleted'].map((name) => ['setOutput', name, '0']),
      ['setFailed', 'Invalid configuration (1 problem).'],
    ]);
  });

  it('does not tolerate a run that failed as a whole', () => {
    const { core, calls } = recordingCore();
    new ActionPlatform(core, { ...base, toleratePartialFailure: true }).complete('failed', 'The run failed: boom');
    expect(calls.at(-1)).toEqual(['setFailed', 'The run failed: boom']);
  });

  it('fails without a second identical annotation when the reason was already reported as an error', () => {
    const { core, calls } = recordingCore();
    const platform = new ActionPlatform(core, base);
    platform.error('Port rejected the credentials.');
    platform.complete('config-error', 'Port rejected the credentials.');
    expect(calls.filter((c) => c[0] === 'error' || c[0] === 'setFailed')).toHaveLength(1);
    expect(process.exitCode).toBe(1);
  });
});
