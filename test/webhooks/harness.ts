/**
 * What the webhook tests share: a receiver (a real node:http server on 127.0.0.1 that records every
 * delivery), a simulator and receiver started for a test file (webhookStack), the CLI run
 * in-process, and the expected subscription set computed from the issue's event list and the
 * simulator's model, not from the engine's catalogue.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { FrontDoorOptions } from '../../core/run-from-layers';
import { runMain } from '../support/simulators';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator, type SubscriptionRecord } from '../../sim/azure-devops';

export const PAT = 'webhooks-test-personal-access-token';
export const SECRET = 'first-webhook-secret-0001';
export const ROTATED_SECRET = 'rotated-webhook-secret-0002';

/** Issue 8 and Ocean's list (ocean-azure-devops.md §4), written out independently of core/. */
export const EVENTS = {
  tfs: ['git.pullrequest.created', 'git.pullrequest.updated', 'git.push', 'git.repo.created', 'workitem.created', 'workitem.updated', 'workitem.commented', 'workitem.deleted', 'workitem.restored', 'build.complete'],
  pipelines: [
    'ms.vss-pipelines.run-state-changed-event',
    'ms.vss-pipelines.stage-state-changed-event',
    'ms.vss-pipelines.job-state-changed-event',
    'ms.vss-pipelinechecks-events.approval-pending',
    'ms.vss-pipelinechecks-events.approval-completed',
    'ms.vss-pipelinechecks-events.check-updated-event',
  ],
  advsec: ['ms.vss-alerts.alert-created-event', 'ms.vss-alerts.alert-state-changed-event', 'ms.vss-alerts.alert-updated-event'],
  rm: ['ms.vss-release.release-created-event', 'ms.vss-release.release-abandoned-event', 'ms.vss-release.deployment-started-event', 'ms.vss-release.deployment-completed-event'],
} as const;

export type Delivery = { headers: IncomingHttpHeaders; body: Record<string, unknown>; path: string };

export class Receiver {
  readonly received: Delivery[] = [];
  private server: Server | undefined;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.baseUrl}/integration/webhook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export type Run = { code: number; stdout: string; stderr: string; summary: WebhookSummary | undefined };

export type Change = { action: string; publisherId: string; eventType: string; projectId?: string; scope: string; subscriptionId?: string; reasons: string[]; outcome: string; error?: string };
export type WebhookSummary = { status: string; webhooks: { status: string; mode: string; receiverUrl: string; changes: Change[]; problems: string[]; warnings: string[]; listings: { publisherId: string; error?: string }[] } | null };

export type RunOptions = { cloud?: boolean; env?: Record<string, string>; command?: 'webhooks' | 'sync' };

/** Port settings the webhooks command validates but never uses. */
export const UNUSED_PORT_ENV = { OCEAN__PORT__CLIENT_ID: 'unused-client', OCEAN__PORT__CLIENT_SECRET: 'unused-port-secret', OCEAN__PORT__BASE_URL: 'http://127.0.0.1:9' };

export function baseEnv(sim: AzureDevOpsSimulator, receiver: Receiver, options: { cloud?: boolean } = {}): Record<string, string> {
  return {
    ...UNUSED_PORT_ENV,
    OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: options.cloud ? sim.cloudUrl : sim.serverUrl,
    OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
    OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: SECRET,
    OCEAN__BASE_URL: receiver.baseUrl,
  };
}

export const CLOUD_RESOLVE = ['--resolve', 'dev.azure.com=127.0.0.1', '--resolve', '*.dev.azure.com=127.0.0.1'];

/**
 * Runs `port-ado-sync <command> --no-progress --summary <file> …args` in-process over real sockets;
 * `frontDoor`: what only a front door passes (concurrency, say).
 */
export async function runCli(args: string[], env: Record<string, string>, options: { cloud?: boolean; command?: 'webhooks' | 'sync'; frontDoor?: FrontDoorOptions } = {}): Promise<Run> {
  const summaryPath = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'summary.json');
  const argv = [options.command ?? 'webhooks', '--no-progress', '--summary', summaryPath, ...(options.cloud ? CLOUD_RESOLVE : []), ...args];
  const { code, stdout, stderr } = await runMain(argv, env, options.frontDoor);
  let summary: WebhookSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as WebhookSummary;
  } catch {
    summary = undefined;
  }
  return { code, stdout, stderr, summary };
}

export type WebhookStackOptions = {
  /** The organization URL in the cloud form (dev.azure.com, resolved to the simulator; the default) or the server form. */
  readonly cloud?: boolean;
  /**
   * What a test leaves to the next: `clean` (the default) clears the subscriptions and faults;
   * `reset` first regenerates the organization too (dropping a test's mutations); `keep` leaves
   * everything, for tests that go on from the one before.
   */
  readonly betweenTests?: 'clean' | 'reset' | 'keep';
};

export type WebhookStack = {
  /** The simulator, started in beforeAll. */
  readonly sim: () => AzureDevOpsSimulator;
  readonly receiver: Receiver;
  /** The environment of a registration run against this simulator and receiver, with the secret; `extra` on top. */
  readonly env: (extra?: Record<string, string>) => Record<string, string>;
  /** runCli in the stack's URL form, with env() unless told otherwise. */
  readonly run: (args: string[], environment?: Record<string, string>, options?: { command?: 'webhooks' | 'sync'; frontDoor?: FrontDoorOptions }) => Promise<Run>;
};

/**
 * A receiver and a tiny simulator (this `seed`) for the tests of the describe block (or file) it is
 * called in: started before them, closed after them, cleaned between them (see betweenTests).
 */
export function webhookStack(seed: number, options: WebhookStackOptions = {}): WebhookStack {
  const cloud = options.cloud ?? true;
  const receiver = new Receiver();
  let started: AzureDevOpsSimulator | undefined;
  const sim = (): AzureDevOpsSimulator => {
    if (!started) throw new Error('the simulator is started in beforeAll: use sim() inside a test or hook');
    return started;
  };
  const env = (extra: Record<string, string> = {}) => ({ ...baseEnv(sim(), receiver, { cloud }), ...extra });

  beforeAll(async () => {
    await receiver.start();
    started = await startAzureDevOpsSimulator({ scale: 'tiny', seed, pat: PAT });
  });
  afterAll(async () => {
    await started?.close();
    await receiver.stop();
  });
  afterEach(() => {
    if (options.betweenTests === 'keep') return;
    if (options.betweenTests === 'reset') sim().reset();
    sim().hooks.clear();
    sim().faults.clear();
  });

  return { sim, receiver, env, run: (args, environment = env(), runOptions = {}) => runCli(args, environment, { cloud, ...runOptions }) };
}

export function writeConfigFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'webhooks-config-')), 'port-ado-sync.yml');
  writeFileSync(file, yaml);
  return file;
}

export function wellFormedProjects(sim: AzureDevOpsSimulator) {
  return sim.model.projectList().filter((p) => p.state === 'wellFormed');
}

export const keyOf = (publisherId: string, eventType: string, projectId: string | undefined) => `${publisherId}|${eventType}|${projectId ?? '*'}`;

export function subscriptionKeys(sim: AzureDevOpsSimulator, filter: (s: SubscriptionRecord) => boolean = () => true): string[] {
  return sim.hooks
    .all()
    .filter(filter)
    .map((s) => keyOf(s.publisherId, s.eventType, s.publisherInputs.projectId))
    .sort();
}

/** The exact set we expect: each event type of the chosen publishers, for each project (or the organization). */
export function expectedKeys(publishers: readonly (keyof typeof EVENTS)[], projectIds: readonly (string | undefined)[], options: { except?: readonly string[] } = {}): string[] {
  return publishers
    .flatMap((p) => EVENTS[p].filter((e) => !options.except?.includes(e)).flatMap((e) => projectIds.map((id) => keyOf(p, e, id))))
    .sort();
}

export function counts(summary: WebhookSummary | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const change of summary?.webhooks?.changes ?? []) {
    const key = change.outcome === 'held' || change.outcome === 'failed' ? change.outcome : change.action;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
