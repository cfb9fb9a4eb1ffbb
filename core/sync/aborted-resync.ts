import type { HttpTransport } from '../http/transport';
import { PortClient, type PortCredentials } from '../port/client';
import { IntegrationApi, type ResyncState } from '../port/integration';
import type { RunReporter } from './reporter';

/** How long the "aborted" report may take, token included: a cancelled pipeline kills the process ~10 s after its first signal. */
export const ABORTED_REPORT_TIMEOUT_MS = 5_000;

export type AbortedReportInput = {
  port: { baseUrl: string; credentials: PortCredentials; transport: HttpTransport; userAgent: string; onToken?: (token: string) => void };
  identifier: string;
  /** Read when the run is cancelled (lastResyncEnd is that moment). */
  state: () => Omit<ResyncState, 'status' | 'lastResyncStart'>;
  reporter: RunReporter;
  timeoutMs?: number;
};

/**
 * A cancelled run's resync state (port-api-and-ocean-core.md §2.5: "aborted" on shutdown while
 * still running). Armed once the run has reported "running": when the run's signal aborts, it
 * PATCHes "aborted" at once, while the run winds down. The run's own Port client is aborted with
 * the run, so this one has a client of its own (one more token), with a short deadline and no
 * retries: best effort, a failure is only a warning.
 */
export class AbortedResync {
  private pending: Promise<void> | undefined;
  private disarmed = false;
  private release: (() => void) | undefined;

  arm(signal: AbortSignal | undefined, input: AbortedReportInput): void {
    if (!signal || this.disarmed) return;
    const fire = () => {
      if (this.disarmed) return;
      this.pending ??= reportAborted(input);
    };
    if (signal.aborted) {
      fire();
      return;
    }
    signal.addEventListener('abort', fire, { once: true });
    this.release = () => signal.removeEventListener('abort', fire);
  }

  /** The run reported its final state itself: a later abort changes nothing. */
  disarm(): void {
    this.disarmed = true;
    this.release?.();
  }

  /** Waits for the report, if one was sent (it never rejects). */
  async settled(): Promise<void> {
    await this.pending;
  }
}

async function reportAborted(input: AbortedReportInput): Promise<void> {
  const timeoutMs = input.timeoutMs ?? ABORTED_REPORT_TIMEOUT_MS;
  const port = new PortClient({ ...input.port, signal: AbortSignal.timeout(timeoutMs), retry: { maxAttempts: 1, baseDelaySeconds: 0, maxDelaySeconds: 0 } });
  try {
    await new IntegrationApi(port, input.identifier).reportResyncState({ status: 'aborted', ...input.state() });
    input.reporter.info('Resync state reported to Port as aborted.');
  } catch (error) {
    input.reporter.warn(`The resync state could not be reported to Port as aborted (${error instanceof Error ? error.message : String(error)}): it shows "running" until the next run.`);
  }
}
