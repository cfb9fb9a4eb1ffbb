import { setMaxListeners } from 'node:events';

/**
 * A run cancelled from outside: a cancelled pipeline (the Azure Pipelines agent and the GitHub
 * Actions runner both send SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that) or
 * Ctrl-C in a terminal. The first SIGINT or SIGTERM aborts the run's AbortSignal: requests in
 * flight stop, the run reports the resync state "aborted" to Port (core/sync/aborted-resync.ts)
 * and ends with what it has, and the front door writes the summary. The process then exits with
 * 130 (SIGINT) or 143 (SIGTERM), the first signal's code. A second signal, or a run that has not
 * wound down within SHUTDOWN_GRACE_MS, ends the process at once with that code.
 */

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** 128 + the signal's number, as a shell reports a process a signal ended. */
export const CANCELLED_EXIT_CODES: Readonly<Record<ShutdownSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * How long a cancelled run has to wind down (report "aborted", write its summary) before the
 * process exits anyway. Longer than a pipeline's 7.5 s before its SIGTERM, which ends it sooner.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/** What the handling needs of the process; a fake in unit tests. */
export type SignalHost = {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
  exit(code: number): void;
};

const processHost: SignalHost = {
  on: (signal, listener) => process.on(signal, listener),
  off: (signal, listener) => process.off(signal, listener),
  exit: (code) => process.exit(code),
};

export type Shutdown = {
  /** Aborted on the first signal (or when `parent` aborts). */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly cancelledBy: ShutdownSignal | undefined;
  /** Stops listening; after a signal, ends the process with its exit code. Call once the summary is written. */
  finish(): void;
};

/**
 * Listens for SIGINT and SIGTERM for the length of one run. `notify` is told what happens (the
 * platform's warning). Without a signal, `finish` only removes the listeners, so the process (or a
 * test running the CLI in-process) goes on as before.
 */
export function listenForShutdown(options: { notify: (message: string) => void; parent?: AbortSignal; host?: SignalHost; graceMs?: number }): Shutdown {
  const host = options.host ?? processHost;
  const controller = new AbortController();
  // Every request and backoff of the run listens on it: many at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const onParentAbort = () => controller.abort(options.parent?.reason);
  if (options.parent?.aborted) onParentAbort();
  else options.parent?.addEventListener('abort', onParentAbort, { once: true });

  let cancelledBy: ShutdownSignal | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let listening = true;
  const stopListening = () => {
    if (!listening) return;
    listening = false;
    for (const signal of SHUTDOWN_SIGNALS) host.off(signal, listeners[signal]);
    options.parent?.removeEventListener('abort', onParentAbort);
    if (deadline) clearTimeout(deadline);
  };
  const exitNow = (code: number) => {
    stopListening();
    host.exit(code);
  };
  const onSignal = (signal: ShutdownSignal) => {
    if (cancelledBy) {
      options.notify(`Received ${signal} again: exiting now.`);
      exitNow(CANCELLED_EXIT_CODES[cancelledBy]);
      return;
    }
    cancelledBy = signal;
    const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
    options.notify(`Received ${signal}: cancelling the run (the resync state is reported as aborted, the summary written; a second signal exits at once).`);
    controller.abort(new Error(`the run was cancelled (${signal})`));
    deadline = setTimeout(() => {
      options.notify(`The run did not stop within ${graceMs / 1000} s of ${signal}: exiting now.`);
      exitNow(CANCELLED_EXIT_CODES[signal]);
    }, graceMs);
    deadline.unref();
  };
  const listeners: Record<ShutdownSignal, () => void> = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  for (const signal of SHUTDOWN_SIGNALS) host.on(signal, listeners[signal]);

  return {
    signal: controller.signal,
    get cancelledBy() {
      return cancelledBy;
    },
    finish() {
      const wasListening = listening;
      stopListening();
      if (wasListening && cancelledBy) host.exit(CANCELLED_EXIT_CODES[cancelledBy]);
    },
  };
}
