/**
 * The run's platform on an Azure Pipelines agent: logging commands through the task library.
 * Issues carry file and line so they link to the mapping file; the summary is a Markdown file the
 * agent attaches to the build's summary page; the result is `task.complete`, never an exit code
 * (the agent reads the command; `process.exit` could cut the last lines of output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { Outcome, Platform, RunOutputs } from '../../core/platform';
import type { Location } from '../../core/sync/reporter';
import { neutralizeCommands } from './log-safety';

export interface AzurePipelinesPlatformOptions {
  /** A directory of this run inside the agent's temporary directory, for the Markdown summary. */
  readonly runDirectory: string;
  /** Port's data sources page, when the Port host has a known web app. */
  readonly integrationUrl?: string | undefined;
  /** Where text goes (the job log); logging commands go there too. */
  readonly write?: (line: string) => void;
}

/**
 * The step's result. A partial run is one of two things (as in the GitHub Action): some kinds
 * failed and the others synced, which is SucceededWithIssues; or no kind failed and something else
 * did, such as a plan whose deletion guard would trip (BRIEF §4: the plan fails) or stale entities
 * that could not be deleted, which fails the step. Only failed kinds count in the `failed` output.
 */
export function taskResultOf(outcome: Outcome, failedItems: number | undefined): tl.TaskResult {
  switch (outcome) {
    case 'success':
      return tl.TaskResult.Succeeded;
    case 'partial':
      return (failedItems ?? 0) > 0 ? tl.TaskResult.SucceededWithIssues : tl.TaskResult.Failed;
    case 'failed':
    case 'config-error':
      return tl.TaskResult.Failed;
  }
}

export class AzurePipelinesPlatform implements Platform {
  private readonly write: (line: string) => void;
  private outputs: RunOutputs | undefined;
  private debugShown = false;

  constructor(private readonly options: AzurePipelinesPlatformOptions) {
    this.write = options.write ?? ((line) => console.log(line));
  }

  setSecret(value: string): void {
    // The agent refuses multi-line secrets; each line is what could show up in a log line anyway.
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length > 0) tl.setSecret(line);
    }
  }

  info(message: string): void {
    this.write(neutralizeCommands(message));
  }

  warn(message: string, location?: Location): void {
    tl.logIssue(tl.IssueType.Warning, message, location?.file, location?.line, location?.column);
  }

  error(message: string, location?: Location): void {
    tl.logIssue(tl.IssueType.Error, message, location?.file, location?.line, location?.column);
  }

  debug(message: string): void {
    if (this.debugShown) this.write(neutralizeCommands(`debug: ${message}`));
    else tl.debug(message);
  }

  showDebug(): void {
    // With System.Debug the agent shows tl.debug lines itself; otherwise they go to the log as lines.
    this.debugShown = (tl.getVariable('System.Debug') ?? '').trim().toLowerCase() !== 'true';
  }

  progress(fraction: number, text: string): void {
    tl.setProgress(Math.max(0, Math.min(100, Math.round(fraction * 100))), text);
  }

  async section<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.write(`##[group]${neutralizeCommands(title)}`);
    try {
      return await body();
    } finally {
      this.write('##[endgroup]');
    }
  }

  async publishSummary(markdown: string, text: string): Promise<void> {
    this.write(neutralizeCommands(text));
    mkdirSync(this.options.runDirectory, { recursive: true });
    const path = join(this.options.runDirectory, 'port-sync-summary.md');
    writeFileSync(path, markdown, 'utf8');
    tl.uploadSummary(path);
  }

  setOutputs(outputs: RunOutputs): void {
    const output = (name: string, value: string | number) => tl.setVariable(name, String(value), false, true);
    output('result', outputs.result);
    this.outputs = outputs;
    output('listed', outputs.listed);
    output('upserted', outputs.upserted);
    output('unchanged', outputs.unchanged);
    output('failed', outputs.failed);
    output('deleted', outputs.deleted);
    if (outputs.shard !== undefined) output('shard', outputs.shard);
    if (outputs.summaryPath !== undefined) output('summaryPath', outputs.summaryPath);
    if (this.options.integrationUrl !== undefined) output('integrationUrl', this.options.integrationUrl);
  }

  complete(outcome: Outcome, message: string): void {
    // A run stopped by its configuration never reaches setOutputs; a later step may still branch on
    // the result and read the counts: nothing was listed or written.
    if (this.outputs === undefined) {
      tl.setVariable('result', outcome, false, true);
      for (const name of ['listed', 'upserted', 'unchanged', 'failed', 'deleted']) tl.setVariable(name, '0', false, true);
    }
    tl.setResult(taskResultOf(outcome, this.outputs?.failed), message);
  }
}
