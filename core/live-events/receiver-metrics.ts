import { MetricsRegistry, type Counter, type Histogram } from './prometheus';

/** Why a delivery was turned away (the `reason` label of the rejected counter). */
export type RejectReason =
  | 'unauthorized'
  | 'too_large'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'invalid_event'
  | 'not_ready'
  | 'queue_full'
  | 'in_flight'
  | 'unavailable'
  | 'busy'
  | 'shutting_down';

/** What the receiver counts, under the `port_ado_receiver_` prefix. */
export class ReceiverMetrics {
  readonly registry = new MetricsRegistry();
  readonly received: Counter;
  readonly rejected: Counter;
  readonly duplicates: Counter;
  readonly ignored: Counter;
  readonly processed: Counter;
  readonly failed: Counter;
  readonly retried: Counter;
  readonly upserted: Counter;
  readonly deleted: Counter;
  readonly latency: Histogram;

  constructor(sources: {
    queueDepth: () => number;
    inProgress: () => number;
    queueCapacity: number;
    ready: () => boolean;
    circuitOpen: () => boolean;
    azureDevOpsRequests: () => number;
    portRequests: () => number;
  }) {
    const r = this.registry;
    this.received = r.counter('port_ado_receiver_events_received_total', 'Authenticated, well-formed events received, by event type.');
    this.rejected = r.counter('port_ado_receiver_requests_rejected_total', 'Webhook requests turned away, by reason.');
    this.duplicates = r.counter('port_ado_receiver_events_duplicate_total', 'Events received again (same event id) and not processed twice.');
    this.ignored = r.counter('port_ado_receiver_events_ignored_total', 'Events acknowledged without work: no resource of the mapping concerns them.');
    this.processed = r.counter('port_ado_receiver_events_processed_total', 'Events applied to Port, by event type.');
    this.failed = r.counter('port_ado_receiver_events_failed_total', 'Events that could not be applied (after every try), or were dropped at shutdown, by event type.');
    this.retried = r.counter('port_ado_receiver_events_retried_total', 'Tries of events that failed on an outage and were queued again, by event type.');
    this.upserted = r.counter('port_ado_receiver_entities_upserted_total', 'Entities upserted to Port, by blueprint.');
    this.deleted = r.counter('port_ado_receiver_entities_deleted_total', 'Entities deleted from Port, by blueprint.');
    this.latency = r.histogram('port_ado_receiver_processing_seconds', 'Time from an event leaving the queue to its writes being done.', [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]);
    r.gauge('port_ado_receiver_queue_depth', 'Events waiting to be processed.', sources.queueDepth);
    r.gauge('port_ado_receiver_queue_capacity', 'Events that may wait before deliveries get 503.', () => sources.queueCapacity);
    r.gauge('port_ado_receiver_events_in_progress', 'Events being processed now.', sources.inProgress);
    r.gauge('port_ado_receiver_ready', '1 once Port authentication and the mapping are loaded and the circuit is closed, 0 otherwise.', () => (sources.ready() ? 1 : 0));
    r.gauge('port_ado_receiver_circuit_open', '1 while deliveries get 503 because events keep failing on an outage, 0 otherwise.', () => (sources.circuitOpen() ? 1 : 0));
    r.sampledCounter('port_ado_receiver_azure_devops_requests_total', 'Requests sent to Azure DevOps (re-fetches and parent listings).', sources.azureDevOpsRequests);
    r.sampledCounter('port_ado_receiver_port_requests_total', 'Requests sent to Port.', sources.portRequests);
  }

  render(): string {
    return this.registry.render();
  }
}
