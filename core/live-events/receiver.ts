/**
 * The live-event receiver: an HTTP service that turns Azure DevOps service-hook deliveries into
 * Port writes with the same clients, mapping and kinds as the sync (BRIEF §7, issue 9).
 *
 *   delivery → http-server (auth, limits, JSON) → event-intake (envelope, route, dedupe) →
 *   ordered-queue (bounded, per-entity order, timeout) → apply-event (re-fetch via live-kinds,
 *   map, upsert / delete) → Port
 *
 * Startup: the server listens at once (`/healthz` answers), then Port authentication, an Azure
 * DevOps pre-flight and the mapping are loaded; `/readyz` turns 200 when they are. Transient
 * failures there are retried; bad credentials or a bad mapping stop the receiver (exit code 2).
 * Without a webhook secret it does not start at all, unless it listens on a loopback address only
 * or `allowUnauthenticated` is set.
 *
 * An event that fails because Port or Azure DevOps is unavailable (outage.ts) is tried again, up
 * to `eventAttempts` times; while events keep failing that way the circuit is open and deliveries
 * get 503, so that Azure DevOps keeps them. Stopping drains the queue for at most `drainSeconds`,
 * then cuts off what runs and drops what waits, logging each event so it can be sent again.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { RetryPolicy } from '../azure-devops/client';
import { connectAzureDevOps } from '../azure-devops/connect';
import { AzureDevOpsAuthError } from '../azure-devops/errors';
import { secretValues, type SyncConfig } from '../config';
import { backoffSeconds, sleep } from '../http/retry';
import { DEFAULT_CONCURRENCY, type ConcurrencyPolicy } from '../kinds/kind';
import { MappingConfigError } from '../mapping/app-config';
import { createJqEngine, type JqEngine } from '../mapping/jq-engine';
import { PortClient, type PortRetryPolicy } from '../port/client';
import { EntityApi } from '../port/entities';
import { PortAuthError } from '../port/errors';
import { HostedIntegrationError, IntegrationApi, requireSelfHosted } from '../port/integration';
import { datasourceOf, datasourceUserAgent, VERSION } from '../version';
import { applyEvent, EventAbortedError } from './apply-event';
import { EventIntake, type QueuedEvent } from './event-intake';
import { createReceiverServer } from './http-server';
import type { ReceiverLogger } from './json-logger';
import { LIVE_KINDS } from './live-kinds';
import { loadLiveMapping, type LiveMapping } from './live-mapping';
import { LiveScope } from './live-scope';
import { OrderedQueue, type QueueSettled } from './ordered-queue';
import { Circuit, isTransientFailure } from './outage';
import { RecentIds } from './recent-ids';
import { ReceiverMetrics } from './receiver-metrics';
import type { ReceiverOptions } from './receiver-options';

export type ReceiverDependencies = {
  log: ReceiverLogger;
  /** A webhook secret accepted besides `webhooks.secret` while a rotation is under way. */
  previousWebhookSecret?: string;
  /** Host → IP overrides (tests and diagnostics), as for the sync. */
  resolve?: Readonly<Record<string, string>>;
  concurrency?: Partial<ConcurrencyPolicy>;
  /** The clients' own retry policies (tests shorten them); the sync's by default. */
  retry?: { port?: PortRetryPolicy; azureDevOps?: RetryPolicy };
};

/** A setting that keeps the receiver from starting (exit code 2), found before it listens. */
export class ReceiverConfigError extends Error {}

/** Whether `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(bare);
}

/** The webhook secret, if one is set: empty or blank counts as none. */
export function webhookSecretOf(config: SyncConfig): string | undefined {
  const secret = config.webhooks.secret;
  return secret === undefined || secret.trim() === '' ? undefined : secret;
}

export type Receiver = {
  /** `http://host:port` the server listens on. */
  readonly url: string;
  readonly port: number;
  readonly metrics: ReceiverMetrics;
  /** True once ready; false if startup stopped on a problem the user must fix. */
  readonly ready: Promise<boolean>;
  isReady(): boolean;
  /** Resolves when no event waits or runs. */
  idle(): Promise<void>;
  /**
   * Refuses new events, finishes the queued ones (up to the drain timeout; then the running ones are
   * cut off and the waiting ones dropped, each logged at error), closes the server.
   */
  stop(): Promise<{ drained: boolean }>;
  /** The exit code once the receiver has stopped: 0 after stop(), 2 after a fatal startup problem. */
  readonly done: Promise<number>;
};

type Loaded = { mapping: LiveMapping; writer: EntityApi; fingerprint: string | undefined };

export async function startReceiver(config: SyncConfig, options: ReceiverOptions, deps: ReceiverDependencies): Promise<Receiver> {
  const { log } = deps;
  const webhookSecret = webhookSecretOf(config);
  if (webhookSecret === undefined && !options.allowUnauthenticated && !isLoopbackHost(options.host)) {
    throw new ReceiverConfigError(
      `no webhook secret is configured, and the receiver would listen on ${options.host}, where anyone who can reach it could send it events. ` +
        'Set OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET (and register the webhooks with it), listen on a loopback address only (--host 127.0.0.1), ' +
        'or, on a private network, accept unauthenticated deliveries with --allow-unauthenticated (PORT_ADO_SYNC_RECEIVER_ALLOW_UNAUTHENTICATED=true).',
    );
  }
  for (const secret of secretValues(config)) log.addSecret(secret);
  const previousSecret = deps.previousWebhookSecret;
  if (previousSecret !== undefined) {
    log.addSecret(previousSecret);
    log.addSecret(Buffer.from(`${config.webhooks.username}:${previousSecret}`).toString('base64'));
  }
  const concurrency = { ...DEFAULT_CONCURRENCY, ...deps.concurrency };
  const connection = await connectAzureDevOps(
    { organizationUrl: config.azureDevOps.organizationUrl, credential: config.azureDevOps.credential, network: config.network },
    { maxConcurrent: concurrency.requests, userAgent: `port-ado-sync/${VERSION} (receiver)`, resolve: deps.resolve, retry: deps.retry?.azureDevOps },
  );
  const { transport, client: ado } = connection;
  const { organization } = ado;
  const identifier = config.integration.identifier;
  const lifetime = new AbortController();
  const port = new PortClient({
    baseUrl: config.port.baseUrl,
    credentials: { clientId: config.port.clientId, clientSecret: config.port.clientSecret },
    transport,
    // The sync's User-Agent: Port records it as the datasource, so the receiver's writes belong
    // to the same integration and the sync's reconciliation treats them as its own.
    userAgent: datasourceUserAgent(identifier),
    onToken: (token) => log.addSecret(token),
    ...(deps.retry?.port ? { retry: deps.retry.port } : {}),
  });
  const integration = new IntegrationApi(port, identifier);
  const scope = new LiveScope(ado, { include: config.filters.projects ?? [], excludedTags: config.azureDevOps.excludedTags }, { ttlMs: options.parentCacheSeconds * 1000, missRefreshMs: 10_000 });

  let loaded: Loaded | undefined;
  let shuttingDown = false;
  let startupProblem: string | undefined = 'starting';

  const recent = new RecentIds(options.dedupeCapacity);
  const circuit = new Circuit(options.circuitThreshold, options.retryAfterSeconds * 1000, () => eventQueue.depth + eventQueue.inProgress > 0);
  /** Undefined while events can be applied; why not, and for how long, while the circuit is open. */
  const outage = (): { reason: string; retryAfterSeconds: number } | undefined => {
    const ms = circuit.openForMs();
    if (ms === undefined) return undefined;
    return {
      reason: `Port or Azure DevOps is unavailable: the last ${options.circuitThreshold} event${options.circuitThreshold === 1 ? '' : 's'} failed on it; send the event again later`,
      retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
    };
  };
  const metrics = new ReceiverMetrics({
    // Read at scrape time, when the queue below exists.
    queueDepth: () => eventQueue.depth,
    inProgress: () => eventQueue.inProgress,
    queueCapacity: options.queueCapacity,
    ready: () => loaded !== undefined && !shuttingDown && outage() === undefined,
    circuitOpen: () => outage() !== undefined,
    azureDevOpsRequests: () => ado.metrics.requests,
    portRequests: () => port.metrics.requests,
  });
  const eventQueue = new OrderedQueue<QueuedEvent>({
    capacity: options.queueCapacity,
    workers: options.workers,
    timeoutMs: options.eventTimeoutSeconds * 1000,
    process: (item, signal) => processEvent(item, signal),
    settled: (item, result, attempt) => settle(item, result, attempt),
    retryDelay: (_item, failure, attempt) => (attempt < options.eventAttempts && isTransientFailure(failure.error) ? options.retryDelaySeconds * 1000 * 2 ** (attempt - 1) : undefined),
  });

  async function processEvent(item: QueuedEvent, signal: AbortSignal): Promise<void> {
    const current = loaded;
    if (!current) throw new Error('the mapping is not loaded');
    const client = connection.withSignal(signal);
    const outcome = await applyEvent(item.route, item.subject, {
      mapping: current.mapping,
      entities: current.writer,
      datasource: datasourceOf(identifier),
      fetch: { client, scope, organization, concurrency, now: new Date(), warn: (message) => log.warn(message, { eventType: item.event.eventType, eventId: item.event.eventId }) },
      log,
      signal,
    });
    for (const [blueprint, count] of outcome.upserted) metrics.upserted.inc({ blueprint }, count);
    for (const [blueprint, count] of outcome.deleted) metrics.deleted.inc({ blueprint }, count);
    const fields = {
      eventType: item.event.eventType,
      eventId: item.event.eventId,
      key: item.key,
      kinds: outcome.kinds.join(','),
      upserted: Object.fromEntries(outcome.upserted),
      deleted: Object.fromEntries(outcome.deleted),
    };
    const [first] = outcome.failures;
    if (first) {
      throw new Error(`Port rejected ${outcome.failures.length} entit${outcome.failures.length === 1 ? 'y' : 'ies'}, e.g. ${first.identifier}: ${first.message}`);
    }
    log.info('event processed', fields);
  }

  function settle(item: QueuedEvent, result: QueueSettled, attempt: number): void {
    metrics.latency.observe(result.seconds);
    const labels = { event_type: item.event.eventType };
    if (result.ok) {
      circuit.reached();
      metrics.processed.inc(labels);
      intake.finished(item.event, true);
      return;
    }
    const transient = isTransientFailure(result.error);
    if (transient) circuit.failed(item.event.dedupeKey);
    else circuit.reached();
    const message = describe(result.error);
    const what = result.timedOut ? `event timed out: ${message}` : `event failed: ${message}`;
    const fields = { ...eventFields(item), seconds: result.seconds, attempt, attempts: options.eventAttempts };
    if (result.retryInMs !== undefined) {
      metrics.retried.inc(labels);
      log.warn(`${what}; trying again in ${Math.round(result.retryInMs / 1000)} s`, fields);
      return;
    }
    metrics.failed.inc(labels);
    // Forget it, so that Azure DevOps' resend (or a redelivery) is processed rather than answered as a duplicate.
    intake.finished(item.event, false);
    log.error(transient && attempt > 1 ? `${what} (the last of ${attempt} tries; send it again from the service-hook history)` : what, fields);
  }

  const intake = new EventIntake({
    auth: { secret: webhookSecret, previousSecret, username: config.webhooks.username },
    mapping: () => (shuttingDown ? undefined : loaded?.mapping),
    queue: eventQueue,
    recent,
    metrics,
    log,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  const server = createReceiverServer({
    intake,
    metrics,
    log,
    maxBodyBytes: options.maxBodyBytes,
    state: { notReady: () => (loaded ? undefined : startupProblem), shuttingDown: () => shuttingDown, outage },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info('receiver listening', { url, webhook: '/integration/webhook', version: VERSION, authentication: webhookSecret ? (previousSecret ? 'basic (current and previous secret)' : 'basic') : 'none' });
  if (webhookSecret === undefined) {
    log.warn(
      `no webhook secret is configured: every request is accepted (${options.allowUnauthenticated ? '--allow-unauthenticated' : 'listening on a loopback address only'}). Set OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET (and register the webhooks with it).`,
    );
  }

  let resolveDone!: (code: number) => void;
  let exitCode = 0;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let refreshTimer: NodeJS.Timeout | undefined;
  let engine: JqEngine | undefined;

  /**
   * Reads the mapping; when its text is what was loaded before, the loaded one is kept: checking
   * and compiling every expression again costs the event loop a noticeable pause.
   */
  const loadMapping = async (previous: Loaded | undefined): Promise<Loaded> => {
    engine ??= await createJqEngine();
    const existing = config.mapping.source === 'port' ? await integration.get() : undefined;
    const fingerprint =
      config.mapping.source === 'port'
        ? JSON.stringify(existing?.config ?? null)
        : config.mapping.source === 'file'
          ? await readFile(config.mapping.path, 'utf8').catch(() => undefined)
          : config.mapping.yaml;
    if (previous && fingerprint !== undefined && fingerprint === previous.fingerprint) return previous;
    const mapping = await loadLiveMapping(config, existing, engine);
    const writer = new EntityApi(port, { merge: mapping.prepared.config.enableMergeEntity, createMissingRelatedEntities: mapping.prepared.config.createMissingRelatedEntities });
    return { mapping, writer, fingerprint };
  };

  let startup: Promise<boolean> = Promise.resolve(false);
  let stopping: Promise<{ drained: boolean }> | undefined;
  const stop = (): Promise<{ drained: boolean }> => {
    stopping ??= (async () => {
      shuttingDown = true;
      eventQueue.close();
      lifetime.abort();
      if (refreshTimer) clearInterval(refreshTimer);
      const waiting = eventQueue.depth + eventQueue.inProgress;
      if (waiting > 0) log.info('draining the queue before stopping', { events: waiting, timeoutSeconds: options.drainSeconds });
      const drained = await within(eventQueue.idle().then(() => true), options.drainSeconds * 1000, false);
      let left = 0;
      if (!drained) {
        // Out of time: nothing more starts, what runs is cut off (its signal aborts; it writes
        // nothing more unless a write is already under way), and each event not applied is logged
        // so that it can be sent again from the service-hook history.
        const { dropped, interrupted } = eventQueue.abort(new EventAbortedError(`the receiver stopped: the drain timeout (${options.drainSeconds} s) passed`));
        left = dropped.length + interrupted.length;
        for (const item of interrupted) {
          metrics.failed.inc({ event_type: item.event.eventType });
          log.error('event cut off at shutdown: it may be partly applied; send it again from the service-hook history', eventFields(item));
        }
        for (const item of dropped) {
          metrics.failed.inc({ event_type: item.event.eventType });
          log.error('event dropped at shutdown: not processed; send it again from the service-hook history', eventFields(item));
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      // A stop during startup waits for the step in flight, so nothing runs on after stop() resolves.
      await within(startup, options.drainSeconds * 1000, false);
      log.info('receiver stopped', { drained, left });
      resolveDone(exitCode);
      return { drained };
    })();
    return stopping;
  };

  startup = (async (): Promise<boolean> => {
    try {
      startupProblem = 'authenticating with Port';
      await untilUp('Port authentication', () => port.authenticate(), log, lifetime.signal);
      requireSelfHosted(await untilUp('reading the integration', () => integration.get(), log, lifetime.signal), identifier);
      startupProblem = 'checking Azure DevOps';
      await untilUp('the Azure DevOps pre-flight', () => ado.request({ path: '_apis/connectionData', apiVersion: '7.1-preview.1' }), log, lifetime.signal);
      startupProblem = 'loading the mapping';
      const first = await untilUp('loading the mapping', () => loadMapping(undefined), log, lifetime.signal);
      if (shuttingDown) return false;
      loaded = first;
      startupProblem = undefined;
      for (const warning of first.mapping.prepared.warnings) log.warn(warning.message, { file: warning.file, line: warning.line });
      const kinds = first.mapping.resources.map((r) => r.kind.kind);
      log.info('receiver ready', {
        mapping: first.mapping.prepared.origin,
        resources: kinds.length,
        liveKinds: [...new Set(kinds.filter((k) => Object.hasOwn(LIVE_KINDS, k)))].join(','),
      });
      if (options.mappingRefreshSeconds > 0) {
        let refreshing = false;
        refreshTimer = setInterval(() => {
          if (refreshing || shuttingDown) return;
          refreshing = true;
          loadMapping(loaded)
            .then(
              (next) => {
                if (next !== loaded && !shuttingDown) {
                  loaded = next;
                  log.info('mapping reloaded', { mapping: next.mapping.prepared.origin, resources: next.mapping.resources.length });
                }
              },
              (error: unknown) => log.warn(`the mapping could not be re-read; the previous one stays in use: ${describe(error)}`),
            )
            .finally(() => (refreshing = false));
        }, options.mappingRefreshSeconds * 1000);
        refreshTimer.unref();
      }
      return true;
    } catch (error) {
      if (shuttingDown) return false;
      startupProblem = describe(error);
      if (error instanceof MappingConfigError) {
        for (const problem of error.problems) log.error(`mapping: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`, { file: problem.source.file, line: problem.source.line });
      }
      log.error(`the receiver cannot start: ${describe(error)}`);
      exitCode = 2;
      void stop();
      return false;
    }
  })();

  return {
    url,
    port: address.port,
    metrics,
    ready: startup,
    isReady: () => loaded !== undefined && !shuttingDown,
    idle: () => eventQueue.idle(),
    stop,
    done,
  };
}

/** The promise's value, or `fallback` after `ms`; the timer never outlives the race (it would keep the process up). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** What identifies an event in the logs (its ids, never its body). */
function eventFields(item: QueuedEvent): Record<string, unknown> {
  const { eventType, eventId, notificationId } = item.event;
  return { eventType, eventId, ...(eventId === undefined && notificationId !== undefined ? { notificationId, subscriptionId: item.event.subscriptionId } : {}), key: item.key };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Problems retrying cannot fix: the user must change a credential or the mapping. */
function isFatal(error: unknown): boolean {
  return error instanceof PortAuthError || error instanceof AzureDevOpsAuthError || error instanceof MappingConfigError || error instanceof HostedIntegrationError;
}

/** Runs `step` until it succeeds, waiting longer after each transient failure (at most 60 s). */
async function untilUp<T>(what: string, step: () => Promise<T>, log: ReceiverLogger, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (isFatal(error) || signal.aborted) throw error;
      const wait = backoffSeconds(attempt, 1, 60);
      log.warn(`${what} failed; trying again in ${Math.round(wait)} s: ${describe(error)}`);
      await sleep(wait * 1000, signal);
    }
  }
}
