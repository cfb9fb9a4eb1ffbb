/**
 * The receiver against both simulators, through real sockets: Azure DevOps delivers service-hook
 * events to the receiver's URL (subscriptions created through the simulator's REST API, as the
 * webhook registration does), and the receiver writes to the Port simulator.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { layerFromEnvironment, resolveConfig, WEBHOOK_EVENT_TYPES } from '../../core/config';
import { JsonLogger } from '../../core/live-events/json-logger';
import { startReceiver, type Receiver, type ReceiverDependencies } from '../../core/live-events/receiver';
import { receiverOptionsSchema, type ReceiverOptionsInput } from '../../core/live-events/receiver-options';
import type { AzureDevOpsSimulatorOptions } from '../../sim/azure-devops';
import { cloudHost, get } from '../sim/azure-devops/helpers';
import { CLOUD_RESOLVE, PAT, runCli, startSimulators, type CliRun, type Simulators } from '../support/simulators';

export const WEBHOOK_USER = 'port';
export const WEBHOOK_SECRET = 'receiver-webhook-secret-0001';
export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const GOOD_AUTH = basicAuth(WEBHOOK_USER, WEBHOOK_SECRET);

export type PostResult = { status: number; headers: IncomingHttpHeaders; text: string; json: Record<string, unknown> };

export type Stack = {
  sims: Simulators;
  receiver: Receiver;
  /** Every log line the receiver wrote, as text. */
  logs: string[];
  webhookUrl: string;
  /** Subscribes the receiver to these event types (per publisher) with Basic auth. */
  subscribe(events?: readonly { publisherId: string; eventType: string }[], auth?: { user: string; password: string } | null, url?: string): Promise<string[]>;
  /** Waits until every delivery is answered and every accepted event is applied. */
  settle(): Promise<void>;
  post(body: unknown, options?: { authorization?: string | null; contentType?: string; raw?: Buffer | string }): Promise<PostResult>;
  close(): Promise<void>;
};

export const ALL_REGISTERED_EVENTS = (['tfs', 'pipelines', 'rm'] as const).flatMap((publisherId) => WEBHOOK_EVENT_TYPES[publisherId].map((eventType) => ({ publisherId, eventType })));

/** A full ONCE sync with the default mapping (it also creates the blueprints and the integration). */
export function fullSync(sims: Simulators, extraEnv: Record<string, string> = {}, options: { cloud?: boolean } = {}): Promise<CliRun> {
  return runCli(options.cloud ? CLOUD_RESOLVE : [], sims.env(extraEnv, { cloud: options.cloud ?? false }));
}

/** Kinds the events touch; an initial sync of only these is enough where boards and teams do not matter. */
export const EVENT_KINDS = ['project', 'repository', 'branch', 'pull-request', 'pipeline', 'pipeline-run', 'build', 'release', 'work-item'];

export async function startStack(
  options: {
    ado?: AzureDevOpsSimulatorOptions;
    receiver?: ReceiverOptionsInput;
    env?: Record<string, string>;
    sync?: boolean;
    syncKinds?: readonly string[];
    cloud?: boolean;
    /** The clients' own retry policies, shortened where a test makes a service fail for good. */
    retry?: ReceiverDependencies['retry'];
  } = {},
): Promise<Stack> {
  const sims = await startSimulators({ ado: { scale: 'tiny', seed: 21, ...options.ado } });
  const cloud = { cloud: options.cloud ?? false };
  if (options.sync !== false) {
    const args = [...(options.syncKinds ? ['--kinds', options.syncKinds.join(',')] : []), ...(options.cloud ? CLOUD_RESOLVE : [])];
    const first = await runCli(args, sims.env(options.env, cloud));
    if (first.code !== 0) throw new Error(`the initial sync failed:\n${first.stderr}`);
  }
  const { config } = resolveConfig([layerFromEnvironment(sims.env({ OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env }, cloud))]);
  const logs: string[] = [];
  const log = new JsonLogger({ write: (text: string) => logs.push(text) }, { level: 'debug' });
  const receiverOptions = receiverOptionsSchema.parse({ host: '127.0.0.1', port: 0, drainSeconds: 10, ...options.receiver });
  // The cloud form needs dev.azure.com and its service hosts answered by the simulator on 127.0.0.1.
  const receiver = await startReceiver(config, receiverOptions, {
    log,
    ...(options.cloud ? { resolve: { 'dev.azure.com': '127.0.0.1', '*.dev.azure.com': '127.0.0.1' } } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  if (!(await receiver.ready)) throw new Error(`the receiver did not get ready:\n${logs.join('')}`);
  const webhookUrl = `${receiver.url}/integration/webhook`;

  const post: Stack['post'] = (body, postOptions = {}) =>
    new Promise((resolve, reject) => {
      const payload = postOptions.raw !== undefined ? Buffer.from(postOptions.raw) : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { 'Content-Type': postOptions.contentType ?? 'application/json; charset=utf-8', 'Content-Length': String(payload.length) };
      const authorization = postOptions.authorization === undefined ? GOOD_AUTH : postOptions.authorization;
      if (authorization !== null) headers.Authorization = authorization;
      const req = httpRequest(webhookUrl, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // Not JSON (a metrics page, say): callers read `text`.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      // The server may answer (413, 401) and close before it has read everything we send.
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.end(payload);
    });

  return {
    sims,
    receiver,
    logs,
    webhookUrl,
    async subscribe(events = ALL_REGISTERED_EVENTS, auth = { user: WEBHOOK_USER, password: WEBHOOK_SECRET }, url = webhookUrl) {
      const ids: string[] = [];
      for (const { publisherId, eventType } of events) {
        const consumerInputs: Record<string, string> = { url };
        if (auth) Object.assign(consumerInputs, { basicAuthUsername: auth.user, basicAuthPassword: auth.password });
        // Cloud subscriptions live on their publisher's host (advsec, vsrm); Server has one.
        const host = options.cloud ? cloudHost(sims.ado, publisherId === 'advsec' ? 'advsec' : publisherId === 'rm' ? 'vsrm' : '') : undefined;
        const res = await get(sims.ado, '/_apis/hooks/subscriptions?api-version=7.1', {
          method: 'POST',
          pat: PAT,
          ...(host ? { host } : {}),
          body: { publisherId, eventType, resourceVersion: null, consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs },
        });
        if (res.status !== 200) throw new Error(`subscribing to ${eventType} failed: HTTP ${res.status} ${res.text}`);
        ids.push(res.json<{ id: string }>().id);
      }
      return ids;
    },
    async settle() {
      await sims.ado.hooks.flush();
      await receiver.idle();
    },
    post,
    async close() {
      await receiver.stop();
      await sims.close();
    },
  };
}

/** What the catalog holds, comparable across runs (no timestamps or authorship); every blueprint by default. */
export function snapshot(sims: Simulators, blueprints: readonly string[] = sims.port.blueprints().map((b) => b.identifier)): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const blueprint of blueprints) {
    const entities: Record<string, unknown> = {};
    for (const e of sims.port.entities(blueprint).sort((a, b) => a.identifier.localeCompare(b.identifier))) {
      entities[e.identifier] = { title: e.title, team: e.team, properties: e.properties, relations: e.relations, datasource: e.datasource };
    }
    out[blueprint] = entities;
  }
  return out;
}

/** Port writes (upserts and deletes of entities) recorded since the last clearCalls(). */
export function entityWrites(sims: Simulators): string[] {
  return sims.port
    .calls()
    .filter((c) => c.method === 'POST' && /\/entities(\/bulk)?$|\/bulk\/entities\/delete$/.test(c.path))
    .map((c) => `${c.method} ${c.path}`);
}

export type LogLine = { level: string; msg: string } & Record<string, unknown>;
export const parsedLogs = (stack: Stack): LogLine[] => stack.logs.map((line) => JSON.parse(line) as LogLine);

/** A stand-in webhook endpoint that records deliveries, so a test can replay them in any order. */
export async function startCapture(): Promise<{ url: string; bodies: Record<string, unknown>[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/integration/webhook`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
