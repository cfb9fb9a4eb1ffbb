import type { RunReporter } from './sync/reporter';

/** The outcome a front door reports: exit codes 0, 1, 1 and 2 for the CLI. */
export type Outcome = 'success' | 'partial' | 'failed' | 'config-error';

export type RunOutputs = {
  result: Outcome;
  listed: number;
  upserted: number;
  unchanged: number;
  failed: number;
  deleted: number;
  /** A sharded run's shard as `index/count` (docs/scale-out.md). */
  shard?: string;
  /** Where the JSON summary was written, when it was. */
  summaryPath?: string;
};

/**
 * Everything a CI system does differently: logging commands, secret masking, the summary page,
 * outputs and the step result. The CLI, the Azure Pipelines task and the GitHub Action each
 * implement it; core never imports a CI library.
 */
export interface Platform extends RunReporter {
  /** Masks a value in every later log line. Called for every secret, including ones derived at run time. */
  setSecret(value: string): void;
  /** Shows the run summary where the CI shows summaries (build summary tab, job summary, stdout). */
  publishSummary(markdown: string, text: string): Promise<void>;
  setOutputs(outputs: RunOutputs): void;
  /** Sets the step result; `message` is one line for the CI's status. */
  complete(outcome: Outcome, message: string): void;
  /**
   * The configuration asks for log level debug (a variable or the config file, not only the front
   * door's own switch): from now on debug lines are shown where the CI would otherwise hide them.
   */
  showDebug(): void;
}
