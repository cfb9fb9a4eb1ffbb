import { startPortSimulator, type PortSimulatorOptions } from './index';

const USAGE = 'Usage: sim port [--port <n>] [--client-id ID --client-secret SECRET] [--latency-ms N] [--max-concurrent-requests N]';

/** Parses the standalone simulator's flags; a bad flag is an error naming it and the usage. */
export function parsePortSimulatorArgs(argv: string[]): PortSimulatorOptions {
  const options: PortSimulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    const number = (name: string) => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer, got '${value ?? ''}'. ${USAGE}`);
      i++;
      return n;
    };
    const text = (name: string) => {
      if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value. ${USAGE}`);
      i++;
      return value;
    };
    switch (flag) {
      case '--port':
        options.port = number(flag);
        break;
      case '--client-id':
        options.clientId = text(flag);
        break;
      case '--client-secret':
        options.clientSecret = text(flag);
        break;
      case '--latency-ms':
        options.latencyMs = number(flag);
        break;
      case '--max-concurrent-requests':
        options.maxConcurrentRequests = number(flag);
        break;
      case '--token-ttl-seconds':
        options.tokenTtlSeconds = number(flag);
        break;
      default:
        throw new Error(`Unknown option '${flag}'. ${USAGE}`);
    }
  }
  if ((options.clientId === undefined) !== (options.clientSecret === undefined)) {
    throw new Error(`--client-id and --client-secret go together. ${USAGE}`);
  }
  return options;
}

/** Runs the Port simulator until SIGINT/SIGTERM, printing its base URL once listening. */
export async function runPortSimulatorCli(argv: string[]): Promise<void> {
  let options: PortSimulatorOptions;
  try {
    options = parsePortSimulatorArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const simulator = await startPortSimulator(options);
  console.log(`Port simulator listening on ${simulator.baseUrl}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await simulator.close();
}
