import { randomUUID } from 'node:crypto';
import type { WebhookOptions } from '../options';
import type { Counters } from '../server/counters';
import type { ServiceUrls } from '../wire/hosts';
import type { JsonObject } from '../wire/json';
import { publisher, type HookHost } from './catalog';
import { deliver, type DeliveryResult } from './delivery';

/**
 * Service-hook subscriptions and their delivery (azure-devops-api.md §4). Subscriptions live on
 * the host of their publisher; the server adds `hostId` and `tfsSubscriptionId` to the publisher
 * inputs (spec example, Ocean PR #3778). Mutations publish events; each matching enabled (or
 * on-probation) subscription gets an HTTP POST with its basic auth and custom headers. Failed
 * deliveries put a subscription on probation, then disable it.
 */

export type SubscriptionStatus = 'enabled' | 'onProbation' | 'disabledByUser' | 'disabledBySystem' | 'disabledByInactiveIdentity';

export interface SubscriptionRecord {
  id: string;
  host: HookHost;
  publisherId: string;
  eventType: string;
  resourceVersion: string | null;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status: SubscriptionStatus;
  createdById: string;
  createdDate: number;
  modifiedById: string;
  modifiedDate: number;
  probationRetries: number;
  lastProbationRetryDate: number | null;
  consecutiveFailures: number;
  /** URL form the subscription was created through; payload URLs use it. */
  urls: ServiceUrls;
}

export interface HookEvent {
  publisherId: string;
  eventType: string;
  projectId: string | null;
  /** Values publisher-input filters compare against, keyed by lower-case input id. */
  attributes: Record<string, string | string[] | undefined>;
  resourceVersion: string;
  resource(urls: ServiceUrls): JsonObject;
  message(urls: ServiceUrls): { text: string; html: string; markdown: string };
  detailedMessage?(urls: ServiceUrls): { text: string; html: string; markdown: string };
  /** Keys kept when `resourceDetailsToSend=minimal`. */
  minimalKeys?: readonly string[];
}

export interface DeliveryRecord {
  subscriptionId: string;
  notificationId: number;
  eventId: string;
  eventType: string;
  url: string;
  ok: boolean;
  statusCode: number | undefined;
  error: string | undefined;
  at: number;
  payload: JsonObject;
}

const IGNORED_INPUTS = new Set(['projectid', 'hostid', 'tfssubscriptionid']);

function matchesInput(key: string, wanted: string, actual: string | string[] | undefined): boolean {
  if (wanted === '') return true;
  if (actual === undefined) return false;
  const values = (Array.isArray(actual) ? actual : [actual]).map((v) => v.toLowerCase());
  const target = wanted.toLowerCase();
  if (key === 'areapath') return values.some((v) => v === target || v.startsWith(`${target}\\`));
  if (key === 'branch') {
    const strip = (b: string) => b.replace(/^refs\/heads\//, '');
    return values.some((v) => strip(v) === strip(target));
  }
  return values.includes(target);
}

export class ServiceHookStore {
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly log: DeliveryRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  private notificationCounter = 0;
  private running = false;
  readonly options: Required<WebhookOptions>;

  constructor(private readonly deps: { counters: Counters; options: WebhookOptions }) {
    this.options = {
      timeoutMs: deps.options.timeoutMs ?? 10_000,
      probationAfterFailures: deps.options.probationAfterFailures ?? 1,
      disableAfterFailures: deps.options.disableAfterFailures ?? 5,
      strict: deps.options.strict ?? false,
    };
  }

  start(): void {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.flush();
  }

  clear(): void {
    this.subscriptions.clear();
    this.log.length = 0;
  }

  all(): SubscriptionRecord[] {
    return [...this.subscriptions.values()];
  }

  /** Subscriptions visible through a host (Server: all of them). */
  on(host: HookHost | 'server'): SubscriptionRecord[] {
    return this.all().filter((s) => host === 'server' || s.host === host);
  }

  get(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  put(record: SubscriptionRecord): void {
    this.subscriptions.set(record.id, record);
  }

  create(fields: Omit<SubscriptionRecord, 'id' | 'status' | 'createdDate' | 'modifiedDate' | 'probationRetries' | 'lastProbationRetryDate' | 'consecutiveFailures'> & { status?: SubscriptionStatus; hostId: string }): SubscriptionRecord {
    const now = Date.now();
    const id = randomUUID();
    const record: SubscriptionRecord = {
      ...fields,
      // The service fills in the publisher's current resource version when none is asked for.
      resourceVersion: fields.resourceVersion ?? publisher(fields.publisherId)?.resourceVersion ?? null,
      id,
      publisherInputs: { ...fields.publisherInputs, hostId: fields.hostId, tfsSubscriptionId: randomUUID() },
      status: fields.status ?? 'enabled',
      createdDate: now,
      modifiedDate: now,
      probationRetries: 0,
      lastProbationRetryDate: null,
      consecutiveFailures: 0,
    };
    this.subscriptions.set(id, record);
    return record;
  }

  delete(id: string): boolean {
    return this.subscriptions.delete(id.toLowerCase());
  }

  setStatus(id: string, status: SubscriptionStatus): SubscriptionRecord {
    const record = this.get(id);
    if (!record) throw new Error(`No subscription ${id}.`);
    record.status = status;
    record.modifiedDate = Date.now();
    if (status === 'enabled') record.consecutiveFailures = 0;
    return record;
  }

  deliveries(): DeliveryRecord[] {
    return [...this.log];
  }

  notificationsOf(subscriptionId: string): DeliveryRecord[] {
    return this.log.filter((d) => d.subscriptionId === subscriptionId);
  }

  /** Resolves when every delivery started so far has finished. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Subscriptions an event goes to: same publisher and type, enabled or on probation, filters pass. */
  matching(event: HookEvent): SubscriptionRecord[] {
    return this.all().filter((s) => {
      if (s.publisherId.toLowerCase() !== event.publisherId.toLowerCase()) return false;
      if (s.eventType.toLowerCase() !== event.eventType.toLowerCase()) return false;
      if (s.status !== 'enabled' && s.status !== 'onProbation') return false;
      const projectId = Object.entries(s.publisherInputs).find(([k]) => k.toLowerCase() === 'projectid')?.[1];
      if (projectId && projectId.toLowerCase() !== (event.projectId ?? '').toLowerCase()) return false;
      return Object.entries(s.publisherInputs).every(([key, value]) => {
        const k = key.toLowerCase();
        if (IGNORED_INPUTS.has(k)) return true;
        return matchesInput(k, value, event.attributes[k]);
      });
    });
  }

  /** Sends the event to every matching subscription (asynchronously; `flush()` waits). */
  publish(event: HookEvent): number {
    if (!publisher(event.publisherId)) throw new Error(`Unknown publisher ${event.publisherId}`);
    const targets = this.matching(event);
    const eventId = randomUUID();
    const createdDate = new Date().toISOString();
    for (const subscription of targets) {
      const notificationId = ++this.notificationCounter;
      const payload = this.payload(subscription, event, { eventId, notificationId, createdDate });
      const task = this.send(subscription, payload, { eventId, notificationId, eventType: event.eventType });
      this.pending.add(task);
      void task.finally(() => this.pending.delete(task));
    }
    return targets.length;
  }

  private payload(subscription: SubscriptionRecord, event: HookEvent, ids: { eventId: string; notificationId: number; createdDate: string }): JsonObject {
    const urls = subscription.urls;
    const inputs = subscription.consumerInputs;
    const details = (inputs.resourceDetailsToSend ?? '').toLowerCase();
    const pick = (kind: string | undefined, value: { text: string; html: string; markdown: string }) => {
      const k = (kind ?? '').toLowerCase();
      if (k === 'none') return undefined;
      if (k === 'text' || k === 'html' || k === 'markdown') return { [k]: value[k] };
      return value;
    };
    let resource: JsonObject | undefined = event.resource(urls);
    if (details === 'none') resource = undefined;
    else if (details === 'minimal') {
      const keys = event.minimalKeys ?? ['id', 'url', 'name'];
      resource = Object.fromEntries(Object.entries(resource).filter(([k]) => keys.includes(k)));
    }
    const message = event.message(urls);
    return {
      subscriptionId: subscription.id,
      notificationId: ids.notificationId,
      id: ids.eventId,
      eventType: event.eventType,
      publisherId: event.publisherId,
      message: pick(inputs.messagesToSend, message),
      detailedMessage: pick(inputs.detailedMessagesToSend, event.detailedMessage?.(urls) ?? message),
      resource,
      resourceVersion: subscription.resourceVersion ?? event.resourceVersion,
      resourceContainers: {
        collection: { id: subscription.publisherInputs.hostId ?? '', baseUrl: `${urls.core}/` },
        account: { id: subscription.publisherInputs.hostId ?? '', baseUrl: `${urls.core}/` },
        project: event.projectId ? { id: event.projectId, baseUrl: `${urls.core}/` } : undefined,
      },
      createdDate: ids.createdDate,
    };
  }

  private async send(subscription: SubscriptionRecord, payload: JsonObject, ids: { eventId: string; notificationId: number; eventType: string }): Promise<void> {
    const url = subscription.consumerInputs.url ?? '';
    let result: DeliveryResult;
    if (!this.running) result = { ok: false, statusCode: undefined, error: 'simulator stopped' };
    else result = await deliver(url, payload, subscription.consumerInputs, this.options.timeoutMs);
    this.deps.counters.webhook(result.ok);
    this.log.push({ subscriptionId: subscription.id, notificationId: ids.notificationId, eventId: ids.eventId, eventType: ids.eventType, url, ok: result.ok, statusCode: result.statusCode, error: result.error, at: Date.now(), payload });
    const current = this.subscriptions.get(subscription.id);
    if (!current) return;
    if (result.ok) {
      current.consecutiveFailures = 0;
      if (current.status === 'onProbation') current.status = 'enabled';
      return;
    }
    current.consecutiveFailures++;
    if (current.consecutiveFailures >= this.options.disableAfterFailures) {
      current.status = 'disabledBySystem';
    } else if (current.consecutiveFailures >= this.options.probationAfterFailures) {
      current.status = 'onProbation';
      current.probationRetries++;
      current.lastProbationRetryDate = Date.now();
    }
    current.modifiedDate = Date.now();
  }
}
