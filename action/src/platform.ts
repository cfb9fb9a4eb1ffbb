/**
 * The GitHub Actions platform: workflow commands through @actions/core. Secrets go to the
 * runner's masking (`::add-mask::`) and are also replaced here, so the raw step output never
 * carries one even before the runner scrubs it.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type * as Core from '@actions/core';
import type { Outcome, Platform, RunOutputs } from '../../core/platform';
import { exitCodeOf } from '../../core/run-from-layers';
import type { Location } from '../../core/sync/reporter';
import { neutralizeCommands } from './log-safety';

export type ActionsCore = Pick<typeof Core, 'info' | 'warning' | 'error' | 'debug' | 'isDebug' | 'setSecret' | 'group' | 'setOutput' | 'setFailed' | 'summary'>;

export interface ActionPlatformOptions {
  readonly toleratePartialFailure: boolean;
  /** Annotations name files relative to this directory, so GitHub links them to the repository. */
  readonly workspace: string;
  /** Print debug lines in the log even when the runner's step debugging is off. */
  readonly debug: boolean;
  /** Whether the runner gave a job summary file (`GITHUB_STEP_SUMMARY`). */
  readonly hasStepSummary: boolean;
  /** At most one progress line per this many milliseconds. */
  readonly progressEveryMs?: number;
}

export class ActionPlatform implements Platform {
  private readonly secrets = new Set<string>();
  private outputs: RunOutputs | undefined;
  private lastProgressAt = 0;
  private debugShown = false;
  private readonly errorsShown = new Set<string>();
  outcome: Outcome | undefined;

  constructor(
    private readonly core: ActionsCore,
    private readonly options: ActionPlatformOptions,
  ) {}

  setSecret(value: string): void {
    // The runner matches masks line by line, so a multi-line secret is registered per line too.
    for (const part of [value, ...value.split(/\r?\n/)]) {
      const secret = part.trim();
      if (secret === '' || this.secrets.has(secret)) continue;
      this.secrets.add(secret);
      this.core.setSecret(secret);
    }
  }

  mask(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }

  info(message: string): void {
    this.core.info(neutralizeCommands(this.mask(message)));
  }
  warn(message: string, location?: Location): void {
    this.core.warning(this.mask(message), this.annotation(location));
  }
  error(message: string, location?: Location): void {
    const text = this.mask(message);
    this.errorsShown.add(text);
    this.core.error(text, this.annotation(location));
  }
  showDebug(): void {
    this.debugShown = true;
  }
  debug(message: string): void {
    if ((this.options.debug || this.debugShown) && !this.core.isDebug()) this.core.info(neutralizeCommands(`debug: ${this.mask(message)}`));
    else this.core.debug(this.mask(message));
  }
  progress(fraction: number, text: string): void {
    const now = Date.now();
    if (fraction < 1 && now - this.lastProgressAt < (this.options.progressEveryMs ?? 10_000)) return;
    this.lastProgressAt = now;
    this.core.info(neutralizeCommands(this.mask(`[${String(Math.round(fraction * 100)).padStart(3)}%] ${text}`)));
  }
  section<T>(title: string, body: () => Promise<T>): Promise<T> {
    return this.core.group(this.mask(title), body);
  }

  async publishSummary(markdown: string, text: string): Promise<void> {
    this.core.info(neutralizeCommands(this.mask(text)));
    if (!this.options.hasStepSummary) {
      this.core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.');
      return;
    }
    try {
      await this.core.summary.addRaw(this.mask(markdown), true).write();
    } catch (error) {
      this.core.warning(this.mask(`The job summary could not be written: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  setOutputs(outputs: RunOutputs): void {
    this.outputs = outputs;
    this.core.setOutput('result', outputs.result);
    this.core.setOutput('exit-code', exitCodeOf(outputs.result));
    for (const name of ['listed', 'upserted', 'unchanged', 'failed', 'deleted'] as const) this.core.setOutput(name, outputs[name]);
    if (outputs.shard) this.core.setOutput('shard', outputs.shard);
    if (outputs.summaryPath) this.core.setOutput('summary-path', outputs.summaryPath);
  }

  complete(outcome: Outcome, message: string): void {
    this.outcome = outcome;
    if (!this.outputs) {
      // Runs that stop before the sync (bad configuration, credentials) still say why, and set every
      // count a later step may read: nothing was listed or written.
      this.core.setOutput('result', outcome);
      this.core.setOutput('exit-code', exitCodeOf(outcome));
      for (const name of ['listed', 'upserted', 'unchanged', 'failed', 'deleted'] as const) this.core.setOutput(name, 0);
    }
    const text = this.mask(message);
    // A partial run is one of two things: some kinds failed (what the user may choose to
    // tolerate), or every kind synced and something else went wrong, such as a plan whose
    // deletion guard would trip. Only kinds that failed count items or errors in `failed`.
    const kindsFailed = (this.outputs?.failed ?? 0) > 0;
    if (outcome === 'success') this.core.info(neutralizeCommands(text));
    else if (outcome === 'partial' && kindsFailed && this.options.toleratePartialFailure) this.core.warning(`${text} The step passes because tolerate-partial-failure is true.`);
    else if (this.errorsShown.has(text)) {
      // setFailed would add a second, identical error annotation; failing the step is enough.
      process.exitCode = 1;
    } else this.core.setFailed(outcome === 'partial' && kindsFailed ? `${text} Set tolerate-partial-failure: true to pass the step when only some kinds fail.` : text);
  }

  private annotation(location: Location | undefined): Core.AnnotationProperties {
    if (!location?.file) return {};
    return {
      file: this.repositoryPath(location.file),
      ...(location.line ? { startLine: location.line } : {}),
      ...(location.column ? { startColumn: location.column } : {}),
    };
  }

  /** GitHub places annotations by path within the repository. */
  private repositoryPath(file: string): string {
    if (!isAbsolute(file)) return file;
    const inside = relative(this.options.workspace, file);
    return inside.startsWith('..') || isAbsolute(inside) ? file : inside.split(sep).join('/');
  }
}
