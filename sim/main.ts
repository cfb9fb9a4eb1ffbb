import { runAzureDevOpsSimulatorCli } from './azure-devops/cli';

/**
 * `node dist/sim.js <simulator> …`: starts one of the simulators. This minimal dispatcher only
 * knows `ado`; the Port simulator's entry is merged in separately.
 */
const USAGE = 'Usage: node dist/sim.js ado --port <n> [options]   (run with `ado --help` for the options)';

async function main(argv: string[]): Promise<void> {
  const [which, ...rest] = argv;
  if (which === 'ado') return runAzureDevOpsSimulatorCli(rest);
  process.stderr.write(`${which ? `Unknown simulator '${which}'. ` : ''}${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
