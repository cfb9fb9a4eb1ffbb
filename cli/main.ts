import { absentConfigFileLayer, FLAG_DEFINITIONS, layerFromConfigFile, layerFromEnvironment, layerFromFlags, type ConfigLayer } from '../core/config';
import { exitCodeOf, runFromLayers, runWebhooksFromLayers, type FrontDoorOptions } from '../core/run-from-layers';
import { VERSION } from '../core/version';
import { optionRows, parseCommandLine, type OptionSpecs } from './args';
import { CliPlatform } from './cli-platform';
import { receiveMain } from './receiver';

const USAGE = `port-ado-sync ${VERSION}: sync an Azure DevOps organization into Port, once.

Usage:
  port-ado-sync sync [--config port-ado-sync.yml] [--plan] [--mapping port-app-config.yml] [options]
  port-ado-sync webhooks [--config port-ado-sync.yml] [--plan] [--prune] [--allow-unauthenticated] [options]
  port-ado-sync receive [options]   live-event receiver for service hooks (receive --help)
  port-ado-sync --help | --version

'webhooks' only registers the Azure DevOps service hooks for the receiver at --webhook-base-url
(see docs/webhooks.md): --plan shows the changes and makes none, --prune deletes our subscriptions
that are no longer wanted, --allow-unauthenticated lets a run without a webhook secret remove the
Basic auth of subscriptions that have it. 'sync --register-webhooks' does the same after the sync.

Configuration comes from flags, then the config file, then the environment (Ocean's OCEAN__…
variables work unchanged). Secrets are never flags: use the environment or \${VAR} in the file.

Options:
${optionRows([
  ['--config <file>', 'YAML config file (see docs/configuration.md)'],
  ...FLAG_DEFINITIONS.map((f) => [`--${f.name}${f.type === 'boolean' ? '' : ' <value>'}`, f.description] as const),
  ['--resolve <host=address>', 'answer DNS for host (or *.domain) with address, like curl --resolve'],
  ['--no-progress', 'no live progress line'],
  ['--help, --version', ''],
])}

A switch (an option without <value>) is on when given; --<switch>=false or --no-<switch> turns it
off, e.g. --no-projects-limited or --initialize-port-resources=false.

Exit codes: 0 everything synced, 1 something failed (the summary says what), 2 bad configuration or credentials.
`;

export type CliStreams = { out: NodeJS.WriteStream; err: NodeJS.WriteStream };

/** Runs the CLI and returns its exit code (the process entry below sets it). */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  streams: CliStreams = { out: process.stdout, err: process.stderr },
  /** For tests that run the CLI in-process (shorter retry backoffs); the process entry passes none. */
  frontDoor: FrontDoorOptions = {},
): Promise<number> {
  if (argv[0] === 'receive') return receiveMain(argv.slice(1), env, streams);
  const options: OptionSpecs = {
    config: { type: 'string' },
    help: { type: 'boolean' },
    version: { type: 'boolean' },
    resolve: { type: 'string', multiple: true },
    'no-progress': { type: 'boolean' },
    prune: { type: 'boolean' },
    'allow-unauthenticated': { type: 'boolean' },
  };
  for (const flag of FLAG_DEFINITIONS) options[flag.name] = flag.type === 'list' ? { type: 'string', multiple: true } : { type: flag.type === 'boolean' ? 'boolean' : 'string' };

  const parsed = parseCommandLine(argv, options, { allowPositionals: true });
  if (!parsed.ok) {
    streams.err.write(`${parsed.message}\nRun port-ado-sync --help for the options.\n`);
    return 2;
  }
  const values = parsed.values;
  if (values.help) {
    streams.out.write(USAGE);
    return 0;
  }
  if (values.version) {
    streams.out.write(`${VERSION}\n`);
    return 0;
  }
  const [command = 'sync', ...rest] = parsed.positionals;
  if ((command !== 'sync' && command !== 'webhooks') || rest.length > 0) {
    streams.err.write(`Unknown command '${[command, ...rest].join(' ')}'.\n${USAGE}`);
    return 2;
  }
  if (command === 'webhooks') {
    // The command is the registration: it is on, and --prune and --allow-unauthenticated are short
    // for --prune-webhooks and --allow-unauthenticated-webhooks here.
    values['register-webhooks'] = true;
    if (values.prune !== undefined) values['prune-webhooks'] = values.prune;
    if (values['allow-unauthenticated'] !== undefined) values['allow-unauthenticated-webhooks'] = values['allow-unauthenticated'];
  } else if (values.prune !== undefined) {
    streams.err.write(`--prune belongs to the webhooks command; with sync, use --prune-webhooks.\n`);
    return 2;
  } else if (values['allow-unauthenticated'] !== undefined) {
    streams.err.write(`--allow-unauthenticated belongs to the webhooks command; with sync, use --allow-unauthenticated-webhooks.\n`);
    return 2;
  }
  delete values.prune;
  delete values['allow-unauthenticated'];

  const resolve: Record<string, string> = {};
  for (const entry of (values.resolve as string[] | undefined) ?? []) {
    const [host, address] = entry.split('=');
    if (!host || !address) {
      streams.err.write(`--resolve expects host=address, got '${entry}'.\n`);
      return 2;
    }
    resolve[host] = address;
  }
  const layers: ConfigLayer[] = [
    layerFromFlags(values),
    typeof values.config === 'string' ? layerFromConfigFile(values.config, { env }) : absentConfigFileLayer(),
    layerFromEnvironment(env),
  ];
  const platform = new CliPlatform(streams, {
    debug: values.debug === true || values['log-level'] === 'debug',
    interactive: streams.err.isTTY === true && values['no-progress'] !== true && !env.CI,
  });
  const run = command === 'webhooks' ? runWebhooksFromLayers : runFromLayers;
  const outcome = await run(platform, layers, { ...frontDoor, ...(Object.keys(resolve).length ? { resolve } : {}) });
  return exitCodeOf(outcome);
}
