import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler } from './api/context';
import { allRoutes } from './api/routes';
import { handleControlRequest } from './control/control-api';
import { minimumRequests, type MinimumRequests } from './control/minimum-requests';
import { ServiceHookStore } from './hooks/subscriptions';
import { Mutations } from './mutations/mutations';
import { OrganizationModel } from './model/organization';
import { referenceTimeOf, type AzureDevOpsSimulatorOptions } from './options';
import { CredentialStore, type BearerTokenOption, type CredentialMode } from './server/auth';
import { ConcurrencyLimiter } from './server/concurrency';
import { AnswerMemo } from './server/answer-memo';
import { Counters, type CounterSnapshot } from './server/counters';
import { Faults, type ActiveFault, type FaultSpec } from './server/faults';
import { createRequestListener } from './server/http-server';
import { Throttle, type ThrottleConfig } from './server/throttle';
import { Router } from './wire/router';

/** A running simulator: URLs, the organization model, mutations, faults, throttling, counters. */
export interface AzureDevOpsSimulator {
  readonly port: number;
  readonly org: string;
  /** `http://127.0.0.1:PORT/{org}`: the Azure DevOps Server form (one host for everything). */
  readonly serverUrl: string;
  /** `http://dev.azure.com:PORT/{org}`: the cloud form; the client must resolve `*.dev.azure.com` to 127.0.0.1. */
  readonly cloudUrl: string;
  /** Read API over the organization (generated records plus mutations). */
  readonly model: OrganizationModel;
  /** Changes to the organization; each fires the service-hook events the real service would. */
  readonly mutate: Mutations;
  readonly faults: { add(spec: FaultSpec): string; clear(id?: string): void; list(): ActiveFault[] };
  readonly throttle: {
    configure(config: Partial<ThrottleConfig> | boolean): void;
    reset(): void;
    readonly settings: ThrottleConfig | undefined;
    usageOf(identityKey: string): number;
  };
  readonly credentials: {
    /** `revoked`: fails like an expired PAT; `sign-in-page`: always the 203 HTML page; `active`: accepted again. */
    setMode(token: string, mode: CredentialMode): void;
    addBearer(option: BearerTokenOption): void;
    addPat(pat: string, label?: string): void;
  };
  readonly hooks: ServiceHookStore;
  counters(): CounterSnapshot;
  resetCounters(): void;
  /** Peak concurrent requests seen per identity. */
  concurrencyPeaks(): Record<string, number>;
  /** What the answer memo keeps (`memo` option); undefined without it. Replays are counted in `counters().replayed`. */
  memoStats(): { answers: number; bytes: number } | undefined;
  setLatency(ms: number): void;
  setMaxConcurrentRequests(limit: number | undefined): void;
  /** The fewest requests an ideal client needs to list each kind (see docs for the formula). */
  minimumRequests(): MinimumRequests;
  /** Regenerates the organization (dropping mutations), clears faults, throttle usage and counters. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAzureDevOpsSimulator(options: AzureDevOpsSimulatorOptions = {}): Promise<AzureDevOpsSimulator> {
  const orgName = options.org ?? 'demo-org';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(orgName)) throw new Error(`org '${orgName}' is not a valid organization name: use letters, digits and dashes.`);
  const modelOptions = { org: orgName, seed: options.seed ?? 1, scale: options.scale, referenceTime: referenceTimeOf(options.referenceTime) };
  const newModel = () => {
    const fresh = new OrganizationModel(modelOptions);
    if (options.warm) fresh.warm();
    return fresh;
  };
  let model = newModel();
  const counters = new Counters();
  const hooks = new ServiceHookStore({ counters, options: options.webhooks ?? {} });
  const mutate = new Mutations(() => model, hooks);
  const credentials = new CredentialStore(options, model);
  const throttle = new Throttle(options.throttle === true ? {} : options.throttle);
  const faults = new Faults();
  const limiter = new ConcurrencyLimiter(options.maxConcurrentRequests);
  const router = new Router<Handler>(allRoutes());
  let latency = options.latencyMs ?? 0;
  const hanging = new Set<ServerResponse>();
  const memo = options.memo ? new AnswerMemo() : undefined;

  const ready: { sim?: AzureDevOpsSimulator } = {};
  const server: Server = createServer(
    createRequestListener({
      org: () => model,
      router,
      credentials,
      throttle,
      faults,
      limiter,
      counters,
      hooks: () => hooks,
      latencyMs: () => latency,
      hanging,
      memo,
      control: (req, res, url, body) => {
        if (!ready.sim) throw new Error('simulator not ready');
        return handleControlRequest(ready.sim, req, res, url, body);
      },
    }),
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hooks.start();

  const sim: AzureDevOpsSimulator = {
    port,
    org: orgName,
    serverUrl: `http://127.0.0.1:${port}/${orgName}`,
    cloudUrl: `http://dev.azure.com:${port}/${orgName}`,
    get model() {
      return model;
    },
    mutate,
    faults: { add: (spec) => faults.add(spec), clear: (id) => faults.clear(id), list: () => faults.list() },
    throttle: {
      configure: (config) => throttle.configure(config === true ? {} : config),
      reset: () => throttle.reset(),
      get settings() {
        return throttle.settings;
      },
      usageOf: (key) => throttle.usageOf(key),
    },
    credentials: {
      setMode: (token, mode) => {
        if (!credentials.setMode(token, mode)) throw new Error('No such credential is configured; add it first with addPat or addBearer.');
      },
      addBearer: (option) => credentials.addBearer(option),
      addPat: (pat, label) => credentials.addPat(pat, label),
    },
    hooks,
    counters: () => counters.snapshot(),
    resetCounters: () => {
      counters.reset();
      limiter.resetPeaks();
    },
    concurrencyPeaks: () => limiter.peaks(),
    memoStats: () => memo?.stats(),
    setLatency: (ms) => {
      latency = ms;
    },
    setMaxConcurrentRequests: (limit) => limiter.setLimit(limit),
    minimumRequests: () => minimumRequests(model),
    reset: () => {
      model = newModel();
      faults.clear();
      throttle.reset();
      counters.reset();
      limiter.resetPeaks();
      hooks.clear();
    },
    close: async () => {
      await hooks.stop();
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  ready.sim = sim;
  return sim;
}
