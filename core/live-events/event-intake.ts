/**
 * What the receiver answers a delivery, from the Authorization header and the parsed body: the
 * decisions of the webhook endpoint, free of HTTP plumbing (http-server.ts does that).
 *
 * Answers: 202 accepted (queued) · 200 duplicate (a copy of an event already applied) or ignored
 * (nothing to do; a 2xx so the service keeps the subscription healthy) · 400 with the reason for a
 * body that is not a usable event · 401 · 503 with Retry-After while not ready, when the queue is
 * full, or for a copy of an event still queued or running (the first copy may yet fail): the
 * delivery fails and is sent again (Azure DevOps retries it; its notification history has a resend).
 */
import { resourcesFor } from './apply-event';
import { checkBasicAuth, type BasicAuthPolicy } from './basic-auth';
import { parseEnvelope, type ServiceHookEvent } from './envelope';
import { orderingKey, routeOf, type EventRoute, type Subject } from './event-routes';
import type { ReceiverLogger } from './json-logger';
import type { LiveMapping } from './live-mapping';
import type { OrderedQueue } from './ordered-queue';
import type { RecentIds } from './recent-ids';
import type { ReceiverMetrics, RejectReason } from './receiver-metrics';

export type QueuedEvent = {
  /** Ordering key: events about one entity run one at a time, in arrival order. */
  readonly key: string;
  readonly event: ServiceHookEvent;
  readonly route: EventRoute;
  readonly subject: Subject;
};

export type Decision = {
  status: number;
  body: { status: 'accepted' | 'duplicate' | 'ignored' | 'rejected'; reason?: string; eventId?: string };
  headers?: Record<string, string>;
  /** For the reject counter. */
  reject?: RejectReason;
};

export type IntakeDependencies = {
  auth: BasicAuthPolicy;
  /** The mapping once loaded; undefined while the receiver is not ready. */
  mapping: () => LiveMapping | undefined;
  queue: OrderedQueue<QueuedEvent>;
  recent: RecentIds;
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  retryAfterSeconds: number;
};

export class EventIntake {
  /** De-duplication keys of the events accepted and not yet applied or given up on. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: IntakeDependencies) {}

  /**
   * The queue is done with an accepted event: an applied one is remembered, so that copies are
   * answered `duplicate`; a failed one is forgotten, so that a copy is processed.
   */
  finished(event: ServiceHookEvent, applied: boolean): void {
    this.inFlight.delete(event.dedupeKey);
    if (applied) this.deps.recent.add(event.dedupeKey);
  }

  /** Undefined when the request may go on; a 401 decision otherwise. */
  authenticate(header: string | undefined): Decision | undefined {
    const result = checkBasicAuth(header, this.deps.auth);
    if (result.ok) return undefined;
    return {
      status: 401,
      body: { status: 'rejected', reason: result.reason },
      headers: { 'WWW-Authenticate': 'Basic realm="port-ado-sync receiver", charset="UTF-8"' },
      reject: 'unauthorized',
    };
  }

  accept(body: unknown): Decision {
    const envelope = parseEnvelope(body);
    if (!envelope.ok) return rejected(400, envelope.reason, 'invalid_event');
    const event = envelope.event;
    const ids = { eventType: event.eventType, eventId: event.eventId, notificationId: event.notificationId };
    const route = routeOf(event.eventType);
    if (!route) {
      this.deps.metrics.ignored.inc({ event_type: 'other' });
      this.deps.log.info('event ignored: no kind is updated by this event type', ids);
      return ignored(event, `${event.eventType} is not an event type this receiver handles`);
    }
    const mapping = this.deps.mapping();
    if (!mapping) return this.unavailable('not_ready', 'the receiver is starting: the mapping is not loaded yet');
    this.deps.metrics.received.inc({ event_type: event.eventType });
    if (resourcesFor(route, undefined, mapping).length === 0) {
      this.deps.metrics.ignored.inc({ event_type: event.eventType });
      this.deps.log.info('event ignored: no resource of the mapping has a kind it concerns', { ...ids, kinds: route.kinds.join(',') });
      return ignored(event, `no resource of the mapping has a kind with live updates from ${event.eventType} (${route.kinds.join(', ')})`);
    }
    const subject = route.subject(event);
    if (!subject.ok && subject.ignore) {
      this.deps.metrics.ignored.inc({ event_type: event.eventType });
      return ignored(event, subject.reason);
    }
    if (!subject.ok) return rejected(400, subject.reason, 'invalid_event');
    if (this.inFlight.has(event.dedupeKey)) {
      // Answering `duplicate` would lose the event should the first copy fail: refused, it comes again.
      return this.unavailable('in_flight', 'a copy of this event is still queued or being applied; send it again later');
    }
    if (this.deps.recent.has(event.dedupeKey)) {
      this.deps.metrics.duplicates.inc();
      this.deps.log.info('duplicate event not processed again', ids);
      return { status: 200, body: { status: 'duplicate', ...(event.eventId ? { eventId: event.eventId } : {}) } };
    }
    const offered = this.deps.queue.offer({ key: orderingKey(subject.subject), event, route, subject: subject.subject });
    if (offered === 'full') return this.unavailable('queue_full', `the queue is full (${this.deps.queue.capacity} events waiting); send the event again later`);
    if (offered === 'closed') return this.unavailable('shutting_down', 'the receiver is shutting down');
    this.inFlight.add(event.dedupeKey);
    this.deps.log.info('event accepted', { ...ids, key: orderingKey(subject.subject), queueDepth: this.deps.queue.depth });
    return { status: 202, body: { status: 'accepted', ...(event.eventId ? { eventId: event.eventId } : {}) } };
  }

  unavailable(reason: RejectReason, text: string, retryAfterSeconds = this.deps.retryAfterSeconds): Decision {
    return { status: 503, body: { status: 'rejected', reason: text }, headers: { 'Retry-After': String(retryAfterSeconds) }, reject: reason };
  }
}

function rejected(status: number, reason: string, reject: RejectReason): Decision {
  return { status, body: { status: 'rejected', reason }, reject };
}

function ignored(event: ServiceHookEvent, reason: string): Decision {
  return { status: 200, body: { status: 'ignored', reason, ...(event.eventId ? { eventId: event.eventId } : {}) } };
}
