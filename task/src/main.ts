/**
 * The Azure Pipelines task: read the inputs, the pipeline's variables and what the job offers into
 * configuration layers, and hand them to the engine's one front-door flow. Nothing else lives here.
 */
// First: registers the secret inputs before the task library loads and logs input values (secret-inputs.ts).
import './mask-secret-inputs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { resolveConfig, type ConfigLayer } from '../../core/config';
import { runFromLayers } from '../../core/run-from-layers';
import { fromTaskLib } from './agent';
import { readTaskInputs } from './inputs';
import { portDataSourcesUrl } from './integration-url';
import { jobDefaults } from './job-defaults';
import { layerFromPipelineVariables } from './pipeline-variables';
import { AzurePipelinesPlatform } from './platform';

async function main(): Promise<void> {
  const agent = fromTaskLib();
  const workingDirectory = agent.variable('System.DefaultWorkingDirectory') ?? process.cwd();
  const runDirectory = mkdtempSync(join(agent.variable('Agent.TempDirectory') ?? tmpdir(), 'port-sync-'));

  const inputs = readTaskInputs(agent, { workingDirectory });
  const defaults = jobDefaults(agent, { offerJobAccessToken: inputs.offerJobAccessToken, summaryPath: join(runDirectory, 'port-sync-summary.json') });
  const layers: ConfigLayer[] = [...inputs.layers, layerFromPipelineVariables(agent, process.env, { cwd: workingDirectory }), defaults.layer];

  const platform = new AzurePipelinesPlatform({ runDirectory, integrationUrl: integrationUrl(layers) });
  for (const warning of [...inputs.warnings, ...defaults.warnings]) platform.warn(warning);
  await runFromLayers(platform, layers);
}

/** The link output; the run itself reports any configuration problem. */
function integrationUrl(layers: readonly ConfigLayer[]): string | undefined {
  try {
    return portDataSourcesUrl(resolveConfig(layers).config.port.baseUrl);
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  // runFromLayers reports every expected failure itself; this is a bug or an unreadable agent context.
  tl.setResult(tl.TaskResult.Failed, `The task failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
});
