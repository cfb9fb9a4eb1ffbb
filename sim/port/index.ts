import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerControlRoutes, SimulatorControl } from './control';
import { PortSimulatorCore, type PortSimulatorOptions } from './server';

export type { CallFilter, InspectedEntity, InspectedIntegration, SeedEntityOptions, SimulatorState } from './control';
export type { ActiveFault, FaultRule } from './faults';
export type { Blueprint, Counters, Integration, IntegrationRecords, RecordedCall } from './model';
export { PortApiError } from './errors';
export { MAX_BULK_DELETE, MAX_BULK_UPSERT } from './entities';
export { REQUEST_BODY_LIMIT, type PortSimulatorOptions } from './server';

/** A running Port simulator: its URL, a way to stop it, and the inspection/control API. */
export type PortSimulator = SimulatorControl & {
  readonly baseUrl: string;
  close(): Promise<void>;
};

/**
 * Starts a simulated Port API on 127.0.0.1 (docs/simulators/port.md). Tests use the returned
 * handle in-process; `/_sim/…` offers the same control over HTTP for other processes.
 */
export async function startPortSimulator(options: PortSimulatorOptions = {}): Promise<PortSimulator> {
  const core = new PortSimulatorCore(options);
  const control = new SimulatorControl(core);
  registerControlRoutes(core, control);
  const server = createServer(core.listener);
  // Longer than Node's 5 s default, like the load balancers in front of Port, so a client's
  // pooled keep-alive sockets are not closed under it between two calls of a test.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  core.baseUrl = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closed;
  };
  return Object.assign(control, { baseUrl: core.baseUrl, close });
}
