import { startAzureDevOpsSimulator } from './simulator';
import type { AzureDevOpsSimulatorOptions } from './options';
import { SCALES, type ScaleName } from './model/scale';

const USAGE = `Usage: node dist/sim.js ado --port <n> [--org NAME] [--seed N] [--scale tiny|small|medium|large] [--pat TOKEN] [--latency-ms N] [--throttle] [--warm] [--memo] [--reference-time ISO]

Starts the Azure DevOps simulator and prints its organization URL (Azure DevOps Server form) once
listening (with --warm, once every record is generated: the benchmark's setting; --memo replays
answers while the organization is unchanged, also the benchmark's). Control API: <url-root>/_sim/state. Stops on SIGINT/SIGTERM.`;

export class CliUsageError extends Error {}

function integer(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min) throw new CliUsageError(`${flag} needs a whole number ≥ ${min}, got '${value ?? ''}'.`);
  return Number(value);
}

/** Parses `ado` arguments into simulator options (exported for tests). */
export function parseAzureDevOpsSimulatorArgs(argv: readonly string[]): AzureDevOpsSimulatorOptions & { port: number } {
  const options: AzureDevOpsSimulatorOptions & { port?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--port':
        options.port = integer(flag, value, 0);
        i++;
        break;
      case '--org':
        if (!value) throw new CliUsageError('--org needs a name.');
        options.org = value;
        i++;
        break;
      case '--seed':
        options.seed = integer(flag, value, 0);
        i++;
        break;
      case '--scale':
        if (!value || !(value in SCALES)) throw new CliUsageError(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got '${value ?? ''}'.`);
        options.scale = value as ScaleName;
        i++;
        break;
      case '--pat':
        if (!value) throw new CliUsageError('--pat needs a token.');
        options.pat = value;
        i++;
        break;
      case '--latency-ms':
        options.latencyMs = integer(flag, value, 0);
        i++;
        break;
      case '--throttle':
        options.throttle = true;
        break;
      case '--warm':
        options.warm = true;
        break;
      case '--memo':
        options.memo = true;
        break;
      case '--reference-time':
        if (!value || Number.isNaN(Date.parse(value))) throw new CliUsageError(`--reference-time needs an ISO date, got '${value ?? ''}'.`);
        options.referenceTime = value;
        i++;
        break;
      case '--help':
      case '-h':
        throw new CliUsageError(USAGE);
      default:
        throw new CliUsageError(`Unknown argument '${flag ?? ''}'.\n${USAGE}`);
    }
  }
  if (options.port === undefined) throw new CliUsageError(`--port is required.\n${USAGE}`);
  return { ...options, port: options.port };
}

/** `node dist/sim.js ado …`: runs until SIGINT/SIGTERM. */
export async function runAzureDevOpsSimulatorCli(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseAzureDevOpsSimulatorArgs>;
  try {
    options = parseAzureDevOpsSimulatorArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const sim = await startAzureDevOpsSimulator(options);
  process.stdout.write(`${sim.serverUrl}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
}
