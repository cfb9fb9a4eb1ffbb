import { ConfigError, formatProblem, requireFiles, resolveConfig, secretValues, type ConfigLayer } from '../config';
import { JsonLogger } from './json-logger';
import { ReceiverConfigError, startReceiver, webhookSecretOf, type Receiver } from './receiver';
import type { ReceiverOptions } from './receiver-options';

/** Where stop signals come from: the process, or a test's emitter. */
export type SignalSource = {
  once(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
};

export type ReceiveIo = {
  /** Where the JSON log lines go (stdout for a service). */
  out: { write(text: string): unknown };
  /** Signals that stop the receiver gracefully; `process` by default. */
  signals?: SignalSource;
  resolve?: Readonly<Record<string, string>>;
  /** A previous webhook secret still accepted during a rotation (from the environment only: it is a secret). */
  previousWebhookSecret?: string;
  /** Called once the receiver listens (tests use it to learn the port). */
  onStarted?: (receiver: Receiver) => void;
};

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * The receiver's whole life behind a front door (`port-ado-sync receive`, `node dist/receiver.js`):
 * resolve the configuration from the door's layers, start, stop gracefully on SIGTERM or SIGINT
 * (finishing queued events), and return the exit code: 0 after a clean stop, 2 for configuration or
 * credential problems (a webhook secret missing where one is required included), 1 when it could
 * not listen.
 */
export async function receiveFromLayers(layers: readonly ConfigLayer[], options: ReceiverOptions, io: ReceiveIo): Promise<number> {
  const bootstrap = new JsonLogger(io.out, { level: 'info' });
  let resolved;
  try {
    resolved = resolveConfig(layers);
    requireFiles(resolved, { summary: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const warning of error.warnings) bootstrap.warn(formatProblem(warning));
    for (const problem of error.problems) bootstrap.error(formatProblem(problem));
    bootstrap.error(`Invalid configuration (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}); the receiver did not start.`);
    return 2;
  }
  const { config } = resolved;
  const log = new JsonLogger(io.out, { level: config.logLevel, secrets: secretValues(config) });
  for (const warning of resolved.warnings) log.warn(formatProblem(warning));

  let receiver: Receiver;
  try {
    if (io.previousWebhookSecret !== undefined && webhookSecretOf(config) === undefined) {
      log.error('a previous webhook secret is set but no current one (OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET); set both, or neither');
      return 2;
    }
    receiver = await startReceiver(config, options, {
      log,
      ...(io.resolve ? { resolve: io.resolve } : {}),
      ...(io.previousWebhookSecret !== undefined ? { previousWebhookSecret: io.previousWebhookSecret } : {}),
    });
  } catch (error) {
    if (error instanceof ReceiverConfigError) {
      log.error(`${error.message} The receiver did not start.`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${options.port} is already in use` : code === 'EACCES' ? `no permission to listen on port ${options.port}` : error instanceof Error ? error.message : String(error);
    log.error(`the receiver could not listen on ${options.host}:${options.port}: ${why}`);
    return 1;
  }
  io.onStarted?.(receiver);
  const signals = io.signals ?? process;
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal} received: finishing queued events, then stopping`);
    void receiver.stop();
  };
  for (const signal of SIGNALS) signals.once(signal, onSignal);
  try {
    return await receiver.done;
  } finally {
    for (const signal of SIGNALS) signals.off(signal, onSignal);
  }
}
