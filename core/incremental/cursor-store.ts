import { z } from 'zod';
import type { PortClient } from '../port/client';

/** Ocean's cursor key: the kind and the resource's position in the mapping's `resources` list. */
export type CursorKey = { kind: string; index: number };

/** What Port holds for one key. */
export type StoredCursor =
  | { state: 'none' }
  | { state: 'set'; at: Date; text: string }
  /** Something we cannot read as a time (another tool's format): treated as no cursor, with a warning. */
  | { state: 'unreadable'; text: string };

const answer = z.looseObject({ cursor: z.looseObject({ primary: z.unknown() }).nullish() });
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The incremental-sync cursors Ocean keeps in Port, one per (integration, kind, index), read and
 * written through the same routes and body, so Ocean and this tool can take over from each other
 * without a full re-read (port-api-and-ocean-core.md §10).
 */
export class CursorStore {
  constructor(
    private readonly port: PortClient,
    private readonly integration: string,
  ) {}

  async read(key: CursorKey): Promise<StoredCursor> {
    const response = await this.port.request({ method: 'GET', path: this.path(), query: this.query(key), retryable: true, accept: [404] });
    if (response.status === 404) return { state: 'none' };
    const parsed = answer.safeParse(response.body);
    const primary = parsed.success ? parsed.data.cursor?.primary : undefined;
    if (primary === undefined || primary === null) return { state: 'none' };
    const text = typeof primary === 'string' ? primary : JSON.stringify(primary);
    const at = typeof primary === 'string' && ISO_TIME.test(primary.trim()) ? new Date(primary.trim()) : undefined;
    return at && !Number.isNaN(at.getTime()) ? { state: 'set', at, text } : { state: 'unreadable', text };
  }

  /** Ocean's upsert: PUT, and POST when Port answers that there is no cursor yet. */
  async write(key: CursorKey, at: Date): Promise<void> {
    const body = { primary: at.toISOString() };
    const put = await this.port.request({ method: 'PUT', path: this.path(), query: this.query(key), body, retryable: true, accept: [404] });
    if (put.status !== 404) return;
    await this.port.request({ method: 'POST', path: this.path(), query: this.query(key), body, retryable: false });
  }

  private path(): string {
    return `/v1/integration/${encodeURIComponent(this.integration)}/cursor`;
  }

  private query(key: CursorKey): Record<string, string> {
    return { kind: key.kind, index: String(key.index) };
  }
}
