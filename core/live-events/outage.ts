/**
 * Telling an outage from a bad event, and what the receiver does about one.
 *
 * - A failure is *transient* when trying again later can fix it: Port or Azure DevOps answered
 *   5xx or 429, or could not be reached (after their clients' own retries), or the event's
 *   deadline passed. Anything else (a 4xx, a mapping problem, an entity Port rejects) is not.
 * - The circuit opens when the last `threshold` distinct events each had an attempt fail
 *   transiently, none getting through in between; while it is open, deliveries and `/readyz` get
 *   503 + Retry-After, so Azure DevOps keeps the events and sends them again. It stays open while
 *   events already accepted are still queued or being tried (their outcome decides), and for
 *   `coolDownMs` after the latest transient failure; then it lets deliveries in again (half-open).
 *   The next transient failure opens it again; the next attempt that reaches the services (a
 *   success, or a failure that is not transient) closes it.
 */
import { AzureDevOpsError, AzureDevOpsResponseError, AzureDevOpsUnavailableError } from '../azure-devops/errors';
import { isTransientNetworkError } from '../http/retry';
import { ListingFailedError } from '../kinds/fan-out';
import { PortApiError, PortAuthError } from '../port/errors';
import { QueueTimeoutError } from './ordered-queue';

const transientStatus = (status: number | undefined): boolean => status !== undefined && (status >= 500 || status === 429 || status === 408);

/** True when the same attempt may well succeed later (see the module comment). */
export function isTransientFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    if (cause instanceof QueueTimeoutError) return true;
    // A listing whose branches failed (the kind's own fan-out): an outage fails every one of them.
    if (cause instanceof ListingFailedError) return cause.failures.length > 0 && cause.failures.every((failure) => isTransientFailure(failure.error));
    if (cause instanceof PortAuthError) return false;
    // No status: Port could not be reached (the client's retries are spent).
    if (cause instanceof PortApiError) return cause.status === undefined || transientStatus(cause.status);
    if (cause instanceof AzureDevOpsUnavailableError || cause instanceof AzureDevOpsResponseError) return true;
    if (cause instanceof AzureDevOpsError) return transientStatus(cause.status);
    if (isTransientNetworkError(cause)) return true;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return false;
}

export class Circuit {
  /** The distinct events in the current run of transient failures (at most `threshold` are kept). */
  private readonly failing = new Set<string>();
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly threshold: number,
    private readonly coolDownMs: number,
    /** Whether accepted events are still queued or being tried. */
    private readonly busy: () => boolean,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** An attempt reached the services: a success, or a failure that is not transient. */
  reached(): void {
    this.failing.clear();
  }

  /** An attempt of this event (its de-duplication key) failed transiently. */
  failed(eventKey: string): void {
    if (this.failing.size < this.threshold) this.failing.add(eventKey);
    this.lastFailureAt = this.now();
  }

  /** Milliseconds the circuit stays open for at least; undefined while it is closed or half-open. */
  openForMs(): number | undefined {
    if (this.failing.size < this.threshold) return undefined;
    const left = this.lastFailureAt + this.coolDownMs - this.now();
    if (left > 0) return left;
    // Events still being tried will tell whether the services are back: until then, stay open.
    return this.busy() ? this.coolDownMs : undefined;
  }
}
