/**
 * Runs the bundled action the way the GitHub runner does: `node action/dist/index.js` with one
 * `INPUT_<NAME>` variable per input given in `with:` or defaulted in action.yml (and none for the
 * others), `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` files the runner created empty, `RUNNER_TEMP`
 * and `GITHUB_WORKSPACE`. Nothing of the engine is imported: the test sees only what a workflow sees.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const ACTION_YML = join(REPO_ROOT, 'action.yml');

const manifestSchema = z.object({
  runs: z.object({ using: z.string(), main: z.string() }),
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() })),
  outputs: z.record(z.string(), z.object({ description: z.string() })),
});
export type ActionManifest = z.infer<typeof manifestSchema>;

export function readManifest(): ActionManifest {
  return manifestSchema.parse(parse(readFileSync(ACTION_YML, 'utf8')));
}

/** The runner's name for an input's variable: upper case, spaces to underscores, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export type ActionRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Outputs as the runner reads them from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What was appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Every value registered with `::add-mask::`. */
  masks: string[];
  workspace: string;
  runnerTemp: string;
};

export type RunOptions = {
  /** The step's `with:` block. */
  with?: Record<string, string>;
  /**
   * Entries of the `with:` block that action.yml does not declare (ocean-sail's input names): the
   * runner warns "Unexpected input(s)" and still passes each one as its `INPUT_<NAME>` variable.
   */
  undeclared?: Record<string, string>;
  /** The step's (or job's) `env:` block. */
  env?: Record<string, string>;
  /** Files to create in the workspace before the run (path → content). */
  files?: Record<string, string>;
};

export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const manifest = readManifest();
  for (const name of Object.keys(options.with ?? {})) {
    if (!(name in manifest.inputs)) throw new Error(`action.yml has no input '${name}'`);
  }
  const root = mkdtempSync(join(tmpdir(), 'action-run-'));
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'temp');
  const commandFiles = join(root, 'file_commands');
  for (const dir of [workspace, runnerTemp, commandFiles]) mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const outputFile = join(commandFiles, 'set_output');
  const summaryFile = join(commandFiles, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: root,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...options.env,
  };
  for (const [name, input] of Object.entries(manifest.inputs)) {
    const value = options.with?.[name] ?? input.default;
    if (value !== undefined) env[inputVariable(name)] = value;
  }
  for (const [name, value] of Object.entries(options.undeclared ?? {})) {
    if (name in manifest.inputs) throw new Error(`action.yml declares input '${name}': pass it in 'with'`);
    env[inputVariable(name)] = value;
  }

  const entry = join(REPO_ROOT, manifest.runs.main);
  const child = spawn(process.execPath, [entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode) => done(exitCode));
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    masks: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => unescapeCommandData(m[1] ?? '')),
    workspace,
    runnerTemp,
  };
}

/** Workflow command data escapes `%`, CR and LF (the runner undoes it before masking). */
function unescapeCommandData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/**
 * The `GITHUB_OUTPUT` file format: `name<<DELIMITER`, the value's lines, `DELIMITER`; or the
 * one-line `name=value`. A name set twice keeps the last value, as the runner does.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] ?? '');
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter for '${name}'`);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT: unreadable line '${line}'`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** Stdout without the `::add-mask::` commands: where a secret must never appear. */
export function visibleOutput(run: ActionRun): string {
  return [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.stderr, JSON.stringify(run.outputs), run.summary].join('\n');
}
