/** `node dist/sim.js <simulator> [options]`: starts one of the local simulators standalone. */
const simulators: Record<string, (args: string[]) => Promise<void>> = {
  port: (args) => import('./port/cli').then((m) => m.runPortSimulatorCli(args)),
  ado: (args) => import('./azure-devops/cli').then((m) => m.runAzureDevOpsSimulatorCli(args)),
};

const [command, ...args] = process.argv.slice(2);
const run = command === undefined ? undefined : simulators[command];
if (!run) {
  console.error(`Usage: node dist/sim.js <${Object.keys(simulators).join('|')}> [options]   (run with '<simulator> --help' for its options)`);
  process.exitCode = 2;
} else {
  run(args).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
