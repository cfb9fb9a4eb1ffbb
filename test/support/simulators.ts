import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';
import type { FrontDoorOptions } from '../../core/run-from-layers';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator, type AzureDevOpsSimulatorOptions } from '../../sim/azure-devops';
import { startPortSimulator, type PortSimulator, type PortSimulatorOptions } from '../../sim/port';

export const PAT = 'e2e-personal-access-token-0001';
export const PORT_CLIENT_ID = 'e2e-client';
export const PORT_CLIENT_SECRET = 'e2e-client-secret-0001';

export type Simulators = {
  ado: AzureDevOpsSimulator;
  port: PortSimulator;
  /** Port's documented variable group, pointing at the simulators (server URL form unless `cloud`). */
  env(extra?: Record<string, string>, options?: { cloud?: boolean }): Record<string, string>;
  close(): Promise<void>;
};

export async function startSimulators(options: { ado?: AzureDevOpsSimulatorOptions; port?: PortSimulatorOptions } = {}): Promise<Simulators> {
  const ado = await startAzureDevOpsSimulator({ scale: 'small', pat: PAT, ...options.ado });
  const port = await startPortSimulator({ clientId: PORT_CLIENT_ID, clientSecret: PORT_CLIENT_SECRET, ...options.port });
  return {
    ado,
    port,
    env: (extra = {}, { cloud = false } = {}) => ({
      OCEAN__PORT__CLIENT_ID: PORT_CLIENT_ID,
      OCEAN__PORT__CLIENT_SECRET: PORT_CLIENT_SECRET,
      OCEAN__PORT__BASE_URL: port.baseUrl,
      OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
      OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
      OCEAN__SEND_RAW_DATA_EXAMPLES: 'true',
      OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: cloud ? ado.cloudUrl : ado.serverUrl,
      OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
      ...extra,
    }),
    close: async () => {
      await Promise.all([ado.close(), port.close()]);
    },
  };
}

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs `port-ado-sync <argv…>` in-process with real sockets, capturing what it prints. */
export async function runMain(argv: readonly string[], env: Record<string, string>, frontDoor?: FrontDoorOptions): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(argv, env, { out: out as unknown as NodeJS.WriteStream, err: err as unknown as NodeJS.WriteStream }, frontDoor);
  return { code, stdout, stderr };
}

/** Runs the CLI in-process with real sockets, as `port-ado-sync sync …` would. */
export function runCli(args: readonly string[], env: Record<string, string>, frontDoor?: FrontDoorOptions): Promise<CliRun> {
  return runMain(['sync', '--no-progress', ...args], env, frontDoor);
}

/** `--resolve` flags that send the cloud host names to the simulator on 127.0.0.1. */
export const CLOUD_RESOLVE = ['--resolve', 'dev.azure.com=127.0.0.1', '--resolve', '*.dev.azure.com=127.0.0.1'];

/**
 * Syncs only these kinds (with the built-in default mapping), in the server URL form or the cloud
 * form: the usual way a per-kind end-to-end test drives the engine.
 */
export async function syncKinds(sims: Simulators, kinds: string[], options: { cloud?: boolean; env?: Record<string, string>; args?: string[] } = {}): Promise<CliRun> {
  const args = ['--kinds', kinds.join(','), ...(options.cloud ? CLOUD_RESOLVE : []), ...(options.args ?? [])];
  return runCli(args, sims.env(options.env ?? {}, { cloud: options.cloud ?? false }));
}
