import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type ConfigProblem } from './problems';
import type { ResolvedConfig } from './resolve';
import type { SettingPath } from './settings';

/**
 * Files a run reads or writes only later (the CA bundle when it first connects, the summary after
 * every write to Port), checked as the run starts: a wrong path is a configuration error that
 * names where it was set, before anything is written, not a failure at the end. `summary`: whether
 * this front door writes the summary file (the receiver does not).
 */
export function requireFiles(resolved: Pick<ResolvedConfig, 'config' | 'sources' | 'warnings'>, uses: { summary: boolean }): void {
  const problems: ConfigProblem[] = [];
  const { caFile } = resolved.config.network;
  if (caFile !== undefined && !canAccess(caFile, constants.R_OK)) {
    problems.push({ ...sourceOf(resolved, 'network.caFile'), message: `the CA certificate file '${caFile}' does not exist or cannot be read.` });
  }
  const { summaryPath } = resolved.config;
  if (uses.summary && summaryPath !== undefined) {
    const folder = dirname(summaryPath);
    const writable = existsSync(summaryPath) ? canAccess(summaryPath, constants.W_OK) : canAccess(folder, constants.W_OK);
    if (existsSync(summaryPath) && statSync(summaryPath).isDirectory()) {
      problems.push({ ...sourceOf(resolved, 'summaryPath'), message: `the summary file '${summaryPath}' is a folder: name a file in it (e.g. '${summaryPath.replace(/[\\/]+$/, '')}/port-sync-summary.json').` });
    } else if (!writable) problems.push({ ...sourceOf(resolved, 'summaryPath'), message: `the summary file '${summaryPath}' cannot be written: its folder '${folder}' must exist and be writable.` });
  }
  if (problems.length > 0) throw new ConfigError(problems, resolved.warnings);
}

function sourceOf(resolved: Pick<ResolvedConfig, 'sources'>, setting: SettingPath): { source?: string } {
  const source = resolved.sources[setting];
  return source === undefined ? {} : { source };
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
