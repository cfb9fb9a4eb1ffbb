import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ENGINE_OPTIONS_VARIABLE, engineReportSchema, type EngineOptions, type EngineReport } from './engine-protocol';
import { procStatusMiB, stopChild } from './processes';

export type EngineRun = {
  report: EngineReport;
  /** From fork to exit: what a pipeline step would take, node start-up included. */
  wallSeconds: number;
  exitCode: number | null;
  /** Peak RSS as /proc saw it while polling (a cross-check of the engine's own getrusage figure). */
  polledPeakRssMiB: number | undefined;
  stderr: string;
};

/**
 * Runs one sync in a fresh engine process (`dist/bench-engine.js`) with the given environment
 * (Ocean's variables) and waits for its report.
 */
export async function runEngine(bundle: string, env: Record<string, string>, options: EngineOptions, nodeFlags: readonly string[], timeoutMs: number): Promise<EngineRun> {
  const started = performance.now();
  const child = fork(bundle, [], {
    // Only what the run needs: the harness's own environment (proxies, CI variables) stays out.
    env: { PATH: process.env.PATH ?? '', ...env, [ENGINE_OPTIONS_VARIABLE]: JSON.stringify(options) },
    execArgv: [...nodeFlags],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let polledPeak: number | undefined;
  const poll = setInterval(() => {
    const hwm = child.pid ? procStatusMiB(child.pid, 'VmHWM') : undefined;
    if (hwm !== undefined) polledPeak = Math.max(polledPeak ?? 0, hwm);
  }, 100);
  let report: EngineReport | undefined;
  let invalid: string | undefined;
  child.on('message', (message) => {
    const parsed = engineReportSchema.safeParse(message);
    if (parsed.success) report = parsed.data;
    else invalid = parsed.error.message;
  });
  const timer = setTimeout(() => void stopChild(child), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const wallSeconds = (performance.now() - started) / 1000;
  clearTimeout(timer);
  clearInterval(poll);
  if (!report) {
    throw new Error(
      `The engine process ended (exit ${exitCode ?? 'signal'} after ${wallSeconds.toFixed(1)} s) without a report${invalid ? ` (invalid report: ${invalid})` : ''}.${stderr ? `\n${stderr}` : ''}`,
    );
  }
  return { report, wallSeconds, exitCode, polledPeakRssMiB: polledPeak, stderr };
}
