import { z } from 'zod';
import type { PortClient } from '../port/client';

/**
 * Where the shards of one layout leave word of their clean runs, so that any of them can tell when
 * a full round has run: Port's per-integration cursor records (port-api-and-ocean-core.md §10),
 * keyed by a kind name no resource uses and the shard index, holding the run's start as `primary`.
 *
 * - `port-ado-sync:shards-of-<n>` at index `i`: the start of shard i's last clean run in a layout of n;
 * - `port-ado-sync:sweep-of-<n>` at index 0: the instant up to which the layout of n last swept
 *   entities of earlier layouts.
 *
 * Records of another `n` are left alone: they are how a later return to that layout starts.
 */
export class RoundLedger {
  constructor(
    private readonly port: PortClient,
    private readonly integration: string,
  ) {}

  /** Records that shard `index` of `count` completed a clean run that started at `start`. */
  async recordCleanRun(index: number, count: number, start: string): Promise<void> {
    await this.write(runKind(count), index, start);
  }

  /**
   * The start of the oldest of the latest clean runs of shards 0..count-1: every shard has run
   * cleanly since then. Undefined while any shard has no clean run recorded (listed in `missing`).
   */
  async roundStart(count: number): Promise<{ start: string | undefined; missing: number[] }> {
    let oldest: string | undefined;
    const missing: number[] = [];
    for (let index = 0; index < count; index++) {
      const start = await this.read(runKind(count), index);
      if (start === undefined) missing.push(index);
      else if (oldest === undefined || Date.parse(start) < Date.parse(oldest)) oldest = start;
    }
    return { start: missing.length === 0 ? oldest : undefined, missing };
  }

  lastSweep(count: number): Promise<string | undefined> {
    return this.read(sweepKind(count), 0);
  }

  async recordSweep(count: number, upTo: string): Promise<void> {
    await this.write(sweepKind(count), 0, upTo);
  }

  private async read(kind: string, index: number): Promise<string | undefined> {
    const response = await this.port.request({ method: 'GET', path: this.path(), query: { kind, index }, retryable: true, accept: [404] });
    if (response.status === 404) return undefined;
    const parsed = cursorAnswer.safeParse(response.body);
    if (!parsed.success) throw new Error(`Port answered GET ${this.path()}?kind=${kind} without a readable cursor.`);
    const primary = parsed.data.cursor?.primary;
    return primary !== undefined && !Number.isNaN(Date.parse(primary)) ? primary : undefined;
  }

  private async write(kind: string, index: number, instant: string): Promise<void> {
    const request = { path: this.path(), query: { kind, index }, body: { primary: instant }, accept: [404, 409] };
    const updated = await this.port.request({ method: 'PUT', ...request, retryable: true });
    if (updated.status < 300) return;
    // No record yet (§10: PUT answers 404, POST creates). A concurrent creator wins the POST; then PUT again.
    const created = await this.port.request({ method: 'POST', ...request, retryable: false });
    if (created.status < 300) return;
    await this.port.request({ method: 'PUT', path: request.path, query: request.query, body: request.body, retryable: true });
  }

  private path(): string {
    return `/v1/integration/${encodeURIComponent(this.integration)}/cursor`;
  }
}

const cursorAnswer = z.looseObject({ cursor: z.looseObject({ primary: z.string() }).nullish() });

const runKind = (count: number) => `port-ado-sync:shards-of-${count}`;
const sweepKind = (count: number) => `port-ado-sync:sweep-of-${count}`;
