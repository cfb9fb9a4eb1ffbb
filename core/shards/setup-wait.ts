import type { PortIntegration } from '../port/integration';
import type { RunReporter } from '../sync/reporter';
import type { Shard } from './shard';

export type SetupWait = { intervalMs: number; timeoutMs: number };

/** Long enough for shard 0 to register the integration and create the default blueprints. */
export const DEFAULT_SETUP_WAIT: SetupWait = { intervalMs: 5_000, timeoutMs: 300_000 };

export class ShardSetupTimeout extends Error {}

/**
 * On the very first round all shards start together and find no integration in Port. Shard 0
 * registers it and, with initializePortResources, creates the default blueprints and mapping;
 * the other shards wait for that instead of racing it (two creations of one integration or one
 * blueprint: one of them fails). Returns the integration as Port then holds it.
 */
export async function awaitShardZeroSetup(input: {
  shard: Shard;
  existing: PortIntegration | undefined;
  initializePortResources: boolean;
  read: () => Promise<PortIntegration | undefined>;
  identifier: string;
  wait: SetupWait;
  reporter: RunReporter;
  sleep?: (ms: number) => Promise<void>;
}): Promise<PortIntegration | undefined> {
  const ready = (integration: PortIntegration | undefined) => integration !== undefined && (!input.initializePortResources || integration.arePortResourcesInitialized === true);
  if (input.shard.index === 0 || ready(input.existing)) return input.existing;
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  input.reporter.info(
    `Waiting for shard 0/${input.shard.count} to ${input.existing ? 'create the default blueprints' : `register integration '${input.identifier}'`} in Port (up to ${Math.round(input.wait.timeoutMs / 1000)} s).`,
  );
  const deadline = Date.now() + input.wait.timeoutMs;
  let current = input.existing;
  while (!ready(current)) {
    if (Date.now() >= deadline) {
      throw new ShardSetupTimeout(
        `Shard ${input.shard.index}/${input.shard.count} waited ${Math.round(input.wait.timeoutMs / 1000)} s for shard 0 to ${current ? 'initialize the Port resources of' : 'register'} integration '${input.identifier}', which it does on its first run. Check shard 0's log, or run shard 0 (or one unsharded run) once before the others.`,
      );
    }
    await sleep(input.wait.intervalMs);
    current = await input.read();
  }
  return current;
}
