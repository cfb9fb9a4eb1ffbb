import { writeFile } from 'node:fs/promises';
import { AzureDevOpsAuthError } from './azure-devops/errors';
import { OrganizationUrlError } from './azure-devops/organization';
import { ConfigError, formatProblem, redactWith, requireFiles, resolveConfig, secretValues, type ConfigLayer, type SyncConfig } from './config';
import { MappingConfigError } from './mapping/app-config';
import type { Outcome, Platform, RunOutputs } from './platform';
import { PortAuthError } from './port/errors';
import { HostedIntegrationError } from './port/integration';
import { listenForShutdown, type Shutdown, type ShutdownSignal } from './shutdown';
import { PreflightError, runSync, type RunDependencies } from './sync/run';
import { resourceFailed, runTotals, type RunResult, type RunTotals } from './sync/stats';
import { renderMarkdown, renderText } from './sync/summary';
import { failedReport, totalCounts, type WebhookReport } from './webhooks/report';
import { runWebhookRegistration } from './webhooks/run-registration';
import { renderWebhooksMarkdown, renderWebhooksText } from './webhooks/summary';

export type FrontDoorOptions = Pick<RunDependencies, 'resolve' | 'concurrency' | 'signal' | 'retry' | 'now'>;

/** Exit code for an outcome: 0 all synced, 1 anything failed, 2 bad configuration or credentials. */
export function exitCodeOf(outcome: Outcome): number {
  return { success: 0, partial: 1, failed: 1, 'config-error': 2 }[outcome];
}

/**
 * The whole life of a run behind any front door: resolve the configuration from the door's layers,
 * register every secret with the platform, run, publish the summary and outputs, set the result.
 * Problems the user must fix (configuration, mapping, credentials) end as `config-error` before
 * any write; nothing here throws.
 */
export async function runFromLayers(platform: Platform, layers: readonly ConfigLayer[], options: FrontDoorOptions = {}): Promise<Outcome> {
  // SIGINT/SIGTERM cancel the run (core/shutdown.ts); once the summary is written, the process exits 130/143.
  const shutdown = listenForShutdown({ notify: (message) => platform.warn(message), ...(options.signal ? { parent: options.signal } : {}) });
  try {
    return await syncFromLayers(platform, layers, { ...options, signal: shutdown.signal }, shutdown);
  } finally {
    shutdown.finish();
  }
}

async function syncFromLayers(platform: Platform, layers: readonly ConfigLayer[], options: FrontDoorOptions, shutdown: Shutdown): Promise<Outcome> {
  let config: SyncConfig;
  try {
    config = resolveAndMask(platform, layers);
  } catch (error) {
    return fail(platform, error);
  }
  const secrets = secretValues(config);
  const known = new Set(secrets);
  const onSecret = (secret: string) => {
    known.add(secret);
    platform.setSecret(secret);
  };

  let result: RunResult;
  try {
    result = await runSync(config, { reporter: platform, secrets, onSecret, logRequests: config.logLevel === 'debug', ...options });
  } catch (error) {
    // A cancelled run fails on whatever it was doing ("cannot reach Azure DevOps": aborted); that is not the story.
    if (shutdown.cancelledBy) return cancelled(platform, shutdown.cancelledBy, error instanceof Error ? error.message : String(error));
    return fail(platform, error);
  }
  if (shutdown.cancelledBy) result = { ...result, status: 'failed', problems: [...result.problems, cancelledProblem(shutdown.cancelledBy)] };

  // The summaries quote what Azure DevOps and Port said (identifiers, rejected values, error
  // messages), which can hold a token someone pasted into their data; and they end up in files
  // and pages no CI masker reads (the uploaded Markdown, the JSON file). They are masked here.
  const mask = redactWith([...known].filter((secret) => secret.length >= 4));
  await platform.publishSummary(mask(renderMarkdown(result)), mask(renderText(result)));
  const summaryPath = await writeSummaryFile(platform, config.summaryPath, () => JSON.stringify(maskStrings(summaryJson(result), mask), null, 2));
  const outcome: Outcome = result.status;
  const plan = result.mode === 'plan';
  // The same totals as every summary's (core/sync/stats runTotals). In plan mode they say what a
  // sync would do, so a pipeline can gate on them.
  const totals = runTotals(result);
  platform.setOutputs({ result: outcome, ...stepCounts(totals), ...(result.shard ? { shard: `${result.shard.index}/${result.shard.count}` } : {}), ...(summaryPath ? { summaryPath } : {}) });
  if (shutdown.cancelledBy) return cancelled(platform, shutdown.cancelledBy);
  const failedLabels = result.resources.filter((r) => !r.ok).map((r) => r.label);
  const webhooksFailed = result.webhooks?.status === 'failed';
  platform.complete(
    outcome,
    outcome === 'success'
      ? `${
          plan
            ? `Plan complete: a sync would create or update ${totals.upserted}, leave ${totals.unchanged} unchanged and delete ${totals.deleted}`
            : `${result.mode === 'incremental' ? 'Incremental sync' : 'Sync'} complete: ${totals.upserted} upserted, ${totals.unchanged} unchanged, ${totals.deleted} deleted`
        }${result.webhooks ? `; webhooks: ${webhookTotals(result.webhooks)}` : ''}.`
      : result.mode === 'plan' && result.deletions.guardTripped
        ? `Plan: ${result.deletions.skipped ?? 'the deletion guard would trip'}.`
        : failedLabels.length > 0
          ? `${failedLabels.length === result.resources.length ? 'Every kind failed' : 'Some kinds failed'}: ${failedLabels.join(', ')}${webhooksFailed ? '; webhook registration failed too' : ''}.`
          : webhooksFailed
            ? 'Webhook registration failed: see the summary.'
            : 'Some kinds failed: see the summary.',
  );
  return outcome;
}

/**
 * `port-ado-sync webhooks`: the same configuration and the same reporting as a sync, but only
 * the service-hook registration (plan mode shows the changes and makes none). A failed
 * registration ends as `failed` (exit code 1); bad configuration or credentials as `config-error`.
 */
export async function runWebhooksFromLayers(platform: Platform, layers: readonly ConfigLayer[], options: FrontDoorOptions = {}): Promise<Outcome> {
  let config: SyncConfig;
  let report: WebhookReport;
  try {
    config = resolveAndMask(platform, layers);
    const { baseUrl } = config.webhooks;
    report =
      baseUrl === undefined
        ? failedReport({ mode: config.mode === 'plan' ? 'plan' : 'apply', receiverUrl: '(none)', problem: 'webhooks.baseUrl is not set' })
        : await runWebhookRegistration({ ...config, webhooks: { ...config.webhooks, baseUrl } }, { reporter: platform, ...options });
  } catch (error) {
    return fail(platform, error);
  }
  for (const problem of report.problems) platform.error(`Webhooks: ${problem}`);
  // As for a sync: the report quotes what Azure DevOps answered, and the files are read by no CI masker.
  const mask = redactWith(secretValues(config).filter((secret) => secret.length >= 4));
  await platform.publishSummary(mask(renderWebhooksMarkdown(report, { heading: '## Azure DevOps webhooks' })), mask(renderWebhooksText(report)));
  const summaryPath = await writeSummaryFile(platform, config.summaryPath, () => JSON.stringify(maskStrings({ status: report.status, mode: config.mode, webhooks: report }, mask), null, 2));
  const outcome: Outcome = report.status === 'success' ? 'success' : 'failed';
  platform.setOutputs({ result: outcome, listed: 0, upserted: 0, unchanged: 0, failed: 0, deleted: 0, ...(summaryPath ? { summaryPath } : {}) });
  platform.complete(outcome, outcome === 'success' ? `Webhooks ${report.mode === 'plan' ? 'plan' : 'registration'} complete: ${webhookTotals(report)}.` : 'Webhook registration failed: see the summary.');
  return outcome;
}

function resolveAndMask(platform: Platform, layers: readonly ConfigLayer[]): SyncConfig {
  const resolved = resolveConfig(layers);
  if (resolved.config.logLevel === 'debug') platform.showDebug();
  requireFiles(resolved, { summary: true });
  for (const warning of resolved.warnings) platform.warn(formatProblem(warning));
  for (const secret of secretValues(resolved.config)) platform.setSecret(secret);
  return resolved.config;
}

function webhookTotals(report: WebhookReport): string {
  const t = totalCounts(report.changes);
  const verbs = report.mode === 'plan' ? ['to create', 'to update', 'to replace', 'unchanged', 'to prune'] : ['created', 'updated', 'replaced', 'kept', 'pruned'];
  return [t.create, t.update, t.replace, t.keep, t.prune].map((n, i) => `${n} ${verbs[i] ?? ''}`).join(', ');
}

function cancelledProblem(signal: ShutdownSignal): string {
  return `the run was cancelled (${signal}) before it finished: what it had not reached was not synced, and the next run catches up`;
}

/** A run cancelled by SIGINT/SIGTERM: failed, whatever its resources managed before (the summary, when there is one, shows that). */
function cancelled(platform: Platform, signal: ShutdownSignal, error?: string): Outcome {
  if (error !== undefined) platform.debug(`the cancelled run ended with: ${error}`);
  platform.complete('failed', `Cancelled (${signal}): the run stopped before it finished; what it had not reached was not synced, and the next run catches up.`);
  return 'failed';
}

/** Turns a failure before or around the run into clear messages and the right outcome. */
function fail(platform: Platform, error: unknown): Outcome {
  if (error instanceof ConfigError) {
    for (const warning of error.warnings) platform.warn(formatProblem(warning));
    for (const problem of error.problems) platform.error(formatProblem(problem));
    platform.complete('config-error', `Invalid configuration (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}).`);
    return 'config-error';
  }
  if (error instanceof MappingConfigError) {
    for (const warning of error.warnings) {
      platform.warn(warning.message, { file: warning.source.file, ...(warning.source.line ? { line: warning.source.line } : {}), ...(warning.source.column ? { column: warning.source.column } : {}) });
    }
    for (const problem of error.problems) {
      platform.error(`${problem.path ? `${problem.path}: ` : ''}${problem.message}`, { file: problem.source.file, ...(problem.source.line ? { line: problem.source.line } : {}), ...(problem.source.column ? { column: problem.source.column } : {}) });
    }
    platform.complete('config-error', `Invalid mapping (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}).`);
    return 'config-error';
  }
  if (error instanceof PortAuthError || error instanceof AzureDevOpsAuthError || error instanceof PreflightError || error instanceof OrganizationUrlError || error instanceof HostedIntegrationError) {
    platform.error(error.message);
    platform.complete('config-error', error.message);
    return 'config-error';
  }
  const message = error instanceof Error ? error.message : String(error);
  platform.error(`The run failed: ${message}`);
  if (error instanceof Error && error.stack) platform.debug(error.stack);
  platform.complete('failed', `The run failed: ${message}`);
  return 'failed';
}

/** The JSON summary: per resource counts and timings, deletions, totals; no raw data. */
export function summaryJson(result: RunResult): Record<string, unknown> {
  return {
    status: result.status,
    mode: result.mode,
    seconds: result.seconds,
    adoRequests: result.adoRequests,
    portRequests: result.portRequests,
    throttledSeconds: result.throttledSeconds,
    portThrottledSeconds: result.portThrottledSeconds ?? 0,
    // The step outputs' counts exactly, and the items skipped without an entity.
    totals: runTotals(result),
    resources: result.resources.map((r) => ({
      index: r.index,
      kind: r.kind,
      blueprints: [...r.blueprints],
      listed: r.listed,
      upserted: r.upserted,
      unchanged: r.unchanged,
      // `failed`: entities Port refused; `failedTotal` adds the items that could not be mapped and
      // one for the resource's own error: the summary's failed column, what totals.failed sums.
      failed: r.failed,
      mappingErrors: r.mappingErrors,
      failedTotal: resourceFailed(r),
      filteredOut: r.filteredOut,
      skippedNoIdentifier: r.skippedNoIdentifier,
      deleted: r.deleted,
      seconds: r.seconds,
      requests: r.ado.requests,
      portRequests: r.port.requests,
      throttledSeconds: r.ado.throttled.milliseconds / 1000,
      incomplete: r.incomplete,
      error: r.error ?? null,
    })),
    deletions: result.deletions,
    cursors: result.cursors ?? null,
    plan: result.plan,
    webhooks: result.webhooks ?? null,
    // Sharded runs: which shard this is, so a final job can combine the shards' files (docs/scale-out.md).
    shard: result.shard ?? null,
    problems: result.problems,
  };
}

/** The step outputs' counts: the run's totals without the skipped items (no output has them). */
function stepCounts(totals: RunTotals): Pick<RunOutputs, 'listed' | 'upserted' | 'unchanged' | 'failed' | 'deleted'> {
  return { listed: totals.listed, upserted: totals.upserted, unchanged: totals.unchanged, failed: totals.failed, deleted: totals.deleted };
}

/** The same value with `mask` applied to every string in it. */
function maskStrings(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [mask(key), maskStrings(item, mask)]));
  return value;
}

/**
 * The JSON summary, written after the run: a file that cannot be written then (the disk filled up)
 * is a warning, not a crash that would leave the step without its outputs. Undefined: not written.
 */
async function writeSummaryFile(platform: Platform, path: string | undefined, content: () => string): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    await writeFile(path, content());
    return path;
  } catch (error) {
    platform.warn(`The summary file '${path}' could not be written: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
