/**
 * The live-event receiver's front door: `port-ado-sync receive …` and, for hosting,
 * `node dist/receiver.js …` (this file is that bundle's entry). See docs/receiver.md.
 */
import { absentConfigFileLayer, FLAG_DEFINITIONS, isSecretFlag, layerFromConfigFile, layerFromEnvironment, layerFromFlags, type ConfigLayer } from '../core/config';
import { receiveFromLayers, type SignalSource } from '../core/live-events/receive-from-layers';
import { readReceiverOptions, RECEIVER_OPTIONS, ReceiverOptionsError } from '../core/live-events/receiver-options';
import { VERSION } from '../core/version';
import { optionRows, parseCommandLine, type OptionSpecs } from './args';

/** The sync's flags that mean something to the receiver (the others are accepted and unused). */
const RELEVANT = new Set([
  'port-client-id',
  'port-base-url',
  'port-region',
  'integration-identifier',
  'organization-url',
  'excluded-tags',
  'mapping',
  'kinds',
  'projects',
  'webhook-username',
  'timeout',
  'proxy',
  'no-proxy',
  'ca-file',
  'insecure',
  'log-level',
  'debug',
]);

const RECEIVER_ROWS = RECEIVER_OPTIONS.map((o) => [`--${o.flag}${o.switch ? '' : ' <value>'}`, `${o.description}; ${o.env}`] as const);
const SHARED_ROWS = [
  ['--config <file>', 'YAML config file (see docs/configuration.md)'],
  ...FLAG_DEFINITIONS.filter((f) => RELEVANT.has(f.name)).map((f) => [`--${f.name}${f.type === 'boolean' ? '' : ' <value>'}`, f.description] as const),
  ['--resolve <host=address>', 'answer DNS for host (or *.domain) with address, like curl --resolve'],
  ['--help', ''],
] as const;

const USAGE = `port-ado-sync ${VERSION} receive: a live-event receiver for Azure DevOps service hooks.

Usage:
  port-ado-sync receive [--config port-ado-sync.yml] [--mapping port-app-config.yml] [options]
  node dist/receiver.js [same options]

Endpoints: POST /integration/webhook, GET /healthz, GET /readyz, GET /metrics.
Configuration as for sync (flags, then the config file, then OCEAN__… variables); the webhook
secret is OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET, and during a rotation the old one may go in
PORT_ADO_SYNC_RECEIVER_PREVIOUS_WEBHOOK_SECRET. Without a secret the receiver starts only on a
loopback address (--host 127.0.0.1) or with --allow-unauthenticated. Stops gracefully on SIGTERM,
within --drain-timeout.

Receiver options (flag, or environment variable):
${optionRows(RECEIVER_ROWS, SHARED_ROWS)}

Shared options:
${optionRows(SHARED_ROWS, RECEIVER_ROWS)}

A switch (an option without <value>) is on when given; --<switch>=false or --no-<switch> turns it off.

Exit codes: 0 stopped cleanly, 1 could not listen, 2 bad configuration or credentials.
`;

/** During a secret rotation: the old secret, still accepted until registration has run with the new one. */
export const PREVIOUS_SECRET_VARIABLE = 'PORT_ADO_SYNC_RECEIVER_PREVIOUS_WEBHOOK_SECRET';

export type ReceiveStreams = { out: NodeJS.WritableStream; err: NodeJS.WritableStream };

/** Runs the receiver until it stops and returns the exit code. `signals` defaults to the process (tests pass their own). */
export async function receiveMain(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  streams: ReceiveStreams = { out: process.stdout, err: process.stderr },
  signals?: SignalSource,
): Promise<number> {
  const options: OptionSpecs = {
    config: { type: 'string' },
    help: { type: 'boolean' },
    resolve: { type: 'string', multiple: true },
  };
  for (const flag of FLAG_DEFINITIONS) options[flag.name] = flag.type === 'list' ? { type: 'string', multiple: true } : { type: flag.type === 'boolean' ? 'boolean' : 'string' };
  for (const option of RECEIVER_OPTIONS) options[option.flag] = { type: option.switch ? 'boolean' : 'string' };

  const parsed = parseCommandLine(argv, options, { allowPositionals: false });
  if (!parsed.ok) {
    streams.err.write(`${parsed.message}\nRun port-ado-sync receive --help for the options.\n`);
    return 2;
  }
  const values = parsed.values;
  if (values.help) {
    streams.out.write(USAGE);
    return 0;
  }

  let receiverOptions;
  try {
    receiverOptions = readReceiverOptions(values, env);
  } catch (error) {
    if (!(error instanceof ReceiverOptionsError)) throw error;
    streams.err.write(`${error.message}\n`);
    return 2;
  }
  const resolve: Record<string, string> = {};
  for (const entry of (values.resolve as string[] | undefined) ?? []) {
    const [host, address] = entry.split('=');
    if (!host || !address) {
      streams.err.write(`--resolve expects host=address, got '${entry}'.\n`);
      return 2;
    }
    resolve[host] = address;
  }

  // Secret flags go along too: the flags layer refuses them with the variable to use instead.
  const settingFlags = Object.fromEntries(Object.entries(values).filter(([name]) => isSecretFlag(name) || FLAG_DEFINITIONS.some((f) => f.name === name)));
  // The receiver is the long-running listener Ocean's OCEAN__EVENT_LISTENER selects; whatever it
  // says (ONCE for the pipeline step, WEBHOOKS_ONLY for Ocean's own listener) does not apply here.
  const { OCEAN__EVENT_LISTENER: _listener, ...environment } = env;
  const layers: ConfigLayer[] = [
    layerFromFlags(settingFlags),
    typeof values.config === 'string' ? layerFromConfigFile(values.config, { env }) : absentConfigFileLayer(),
    layerFromEnvironment(environment),
  ];
  // A secret, so never a flag: only the environment carries it.
  const previousWebhookSecret = env[PREVIOUS_SECRET_VARIABLE]?.trim() || undefined;
  return receiveFromLayers(layers, receiverOptions, {
    out: streams.out,
    ...(signals ? { signals } : {}),
    ...(Object.keys(resolve).length ? { resolve } : {}),
    ...(previousWebhookSecret ? { previousWebhookSecret } : {}),
  });
}

/**
 * Ends the process with `code` once what it wrote is out. Once the receiver has stopped nothing of
 * it may run on: work cut off at the drain timeout (a request that ignores its abort signal) would
 * otherwise keep the process up, and go on writing, until the platform kills it.
 */
export function exitAfterOutput(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
  // Should a stream never call back, the exit still comes (unref: it does not keep the process up itself).
  setTimeout(() => process.exit(code), 2000).unref();
}

// `node dist/receiver.js`: this module is the bundle's entry. Imported by the CLI (dist/cli.js),
// or by tests, it must not start anything.
if (/(^|[\\/])receiver\.(c?js|ts)$/.test(process.argv[1] ?? '')) {
  receiveMain(process.argv.slice(2), process.env).then(exitAfterOutput, (error: unknown) => {
    process.stderr.write(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    exitAfterOutput(1);
  });
}
