/**
 * `npm run demo`: a ONCE sync of a simulated Azure DevOps organization into a simulated Port, the
 * way a pipeline would run it: Ocean's variables in the environment, the CLI's front door, real
 * HTTP on 127.0.0.1. Add `--keep` to leave both simulators running for a look around.
 */
import { absentConfigFileLayer, layerFromEnvironment } from '../core/config';
import { exitCodeOf, runFromLayers } from '../core/run-from-layers';
import { CliPlatform } from '../cli/cli-platform';
import { startAzureDevOpsSimulator } from '../sim/azure-devops';
import { startPortSimulator } from '../sim/port';

async function demo(argv: string[]): Promise<number> {
  const keep = argv.includes('--keep');
  const scale = argv.includes('--medium') ? 'medium' : 'small';
  const ado = await startAzureDevOpsSimulator({ org: 'demo-org', seed: 1, scale, pat: 'demo-personal-access-token' });
  const port = await startPortSimulator({ clientId: 'demo-client-id', clientSecret: 'demo-client-secret' });
  const out = process.stdout;
  out.write(`Simulated Azure DevOps: ${ado.cloudUrl} (answered on 127.0.0.1)\nSimulated Port:         ${port.baseUrl}\n\n`);

  // Exactly the variables of Port's documented pipeline step (variable group port-ocean-credentials).
  const env = {
    OCEAN__PORT__CLIENT_ID: 'demo-client-id',
    OCEAN__PORT__CLIENT_SECRET: 'demo-client-secret',
    OCEAN__PORT__BASE_URL: port.baseUrl,
    OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
    OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
    OCEAN__SEND_RAW_DATA_EXAMPLES: 'true',
    OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: ado.cloudUrl,
    OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'demo-personal-access-token',
  };
  const platform = new CliPlatform({ out: process.stdout, err: process.stderr }, { debug: false, interactive: process.stderr.isTTY === true });
  const outcome = await runFromLayers(platform, [absentConfigFileLayer(), layerFromEnvironment(env)], {
    resolve: { 'dev.azure.com': '127.0.0.1', '*.dev.azure.com': '127.0.0.1' },
  });

  const blueprints = port.blueprints();
  const width = Math.max(...blueprints.map((b) => b.identifier.length));
  const counts = blueprints.map((b) => `  ${b.identifier.padEnd(width)}  ${port.entities(b.identifier).length}`).join('\n');
  out.write(`\nEntities now in the simulated Port, per blueprint:\n${counts}\n`);
  if (keep) {
    out.write(
      `\nBoth simulators keep running (Ctrl-C to stop). Look around:\n` +
        `  curl ${port.baseUrl}/_sim/entities?blueprint=azureDevopsRepository\n` +
        `  curl ${port.baseUrl}/_sim/counters\n` +
        `  port-ado-sync sync   # again, with the variables above: nothing changes, nothing is written\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  } else {
    out.write(`\nRun \`npm run demo -- --keep\` to keep the simulators up and explore them.\n`);
  }
  await Promise.all([ado.close(), port.close()]);
  return exitCodeOf(outcome);
}

demo(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`The demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
