/**
 * Replays an answer, already serialized, while the organization has not changed since it was
 * made. A real service's work does not run on the client's cores; the simulator's does. At large
 * scale serializing a sync's 760 MB of answers takes one core about 25 s, more than the 16.9 s the
 * benchmark's lower bound gives the whole read, so without the memo a second read of an
 * unchanged organization is held by the simulator, not by the client or the latency.
 *
 * Only for routes whose answer depends on nothing but the request and the organization
 * (`RouteDefinition.replayable`); any mutation moves `OrganizationModel.version` and empties the
 * memo, and a reset swaps the model. Off unless asked for (`--memo`, the benchmark's setting).
 */

import type { OrganizationModel } from '../model/organization';

export interface MemoAnswer {
  status: number;
  payload: Buffer;
  contentType: string;
  /** The handler's own headers (a continuation token); not the throttle's, which are per request. */
  headers: Record<string, string>;
}

/** Everything an answer of a replayable route can depend on besides the organization. */
export interface MemoRequest {
  identity: string;
  host: string;
  url: string;
  accept: string;
  apiVersion: string;
  body: Buffer;
}

const DEFAULT_MEMO_BYTES = 1024 * 1024 * 1024;

export class AnswerMemo {
  private readonly answers = new Map<string, MemoAnswer>();
  private org: OrganizationModel | undefined;
  private version = -1;
  /**
   * Kept payloads are copied into one arena of `maxBytes`, taken when the first is kept (pages
   * become resident only as they are written). V8 starts a full collection each time memory
   * outside its heap grows by 64 MB; kept one Buffer each, a large sync's 760 MB of answers made
   * the simulator collect its whole heap 13 times during the first run instead of once, on the
   * cores the engine shares. A new arena after each change: a replay still being written reads
   * the old one.
   */
  private arena: Buffer | undefined;
  private bytes = 0;

  /** `maxBytes`: answers past it are not kept (none is dropped: a sync's reads repeat in order). */
  constructor(private readonly maxBytes = DEFAULT_MEMO_BYTES) {}

  /** The key of a request's answer. */
  static key(request: MemoRequest): string {
    return [request.identity, request.host, request.accept, request.apiVersion, request.url, request.body.toString('latin1')].join('\n');
  }

  get(org: OrganizationModel, key: string): MemoAnswer | undefined {
    this.follow(org);
    return this.answers.get(key);
  }

  /** Keeps an answer made from the organization at `version` (read before the handler ran), if it is still current. */
  keep(org: OrganizationModel, version: number, key: string, answer: MemoAnswer): void {
    this.follow(org);
    const size = answer.payload.length;
    if (version !== this.version || this.bytes + size > this.maxBytes) return;
    if (!this.arena) {
      try {
        this.arena = Buffer.alloc(this.maxBytes);
      } catch {
        return; // no room for the arena (a machine that does not overcommit): answers are made afresh
      }
    }
    answer.payload.copy(this.arena, this.bytes);
    this.answers.set(key, { ...answer, payload: this.arena.subarray(this.bytes, this.bytes + size) });
    this.bytes += size;
  }

  /** What is kept now. */
  stats(): { answers: number; bytes: number } {
    return { answers: this.answers.size, bytes: this.bytes };
  }

  private follow(org: OrganizationModel): void {
    const version = org.version;
    if (org === this.org && version === this.version) return;
    this.answers.clear();
    this.arena = undefined;
    this.bytes = 0;
    this.org = org;
    this.version = version;
  }
}
