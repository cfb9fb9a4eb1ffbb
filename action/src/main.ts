/**
 * The GitHub Action: read the inputs into configuration layers, run the shared front-door flow
 * (core/run-from-layers.ts), let the platform publish the result. No logic lives here.
 */
import * as core from '@actions/core';
import { runFromLayers } from '../../core/run-from-layers';
import { readActionSettings } from './inputs';
import { ActionPlatform } from './platform';

/** Runs the action once; the step result is set through @actions/core, never thrown. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const settings = readActionSettings((name) => core.getInput(name), env);
    const platform = new ActionPlatform(core, {
      toleratePartialFailure: settings.toleratePartialFailure,
      workspace: settings.workspace,
      debug: settings.debug,
      hasStepSummary: Boolean(env.GITHUB_STEP_SUMMARY),
    });
    // The run masks the secrets it resolves and derives (encoded forms, Port tokens); these are
    // masked first, valid or not, in case the run stops before.
    for (const secret of settings.secretsToMaskFirst) platform.setSecret(secret);
    // Problems with the action's own inputs travel in a layer, reported with the configuration's.
    await runFromLayers(platform, settings.layers);
  } catch (error) {
    core.setFailed(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// The bundle is the process entry; @github/local-action imports this module and calls run() itself.
if (require.main === module) void run();
