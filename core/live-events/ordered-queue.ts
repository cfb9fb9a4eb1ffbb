/**
 * A bounded work queue with a fixed number of workers, where items that share a key run one at a
 * time in arrival order (events about one entity), while items with other keys overtake them.
 * Each item has a deadline: its signal aborts when it passes, and the item is reported as failed
 * then; its key and worker stay taken until the work has actually stopped, so a late write can
 * never race the next event about the same entity.
 *
 * A failed item may be tried again (`retryDelay`): once its work has stopped it waits out the
 * delay and then goes back to the head of the line, its key staying taken meanwhile, so later items
 * of the same key still run after it. Waiting and retrying items together count against the
 * capacity. After `close()` nothing is tried again, and items waiting for a retry run at once.
 * `abort()` ends everything: running items' signals abort, and they and the waiting ones are handed
 * back for the caller to report; nothing starts afterwards.
 */
export type QueueFailure = {
  ok: false;
  seconds: number;
  error: unknown;
  /** The item's deadline passed. */
  timedOut: boolean;
  /** The item runs again after this many milliseconds; undefined when this failure is final. */
  retryInMs?: number;
};
export type QueueSettled = { ok: true; seconds: number } | QueueFailure;

export type OrderedQueueOptions<T> = {
  /** Items waiting (not yet started, or waiting for a retry) at most; `offer` answers `full` beyond. */
  capacity: number;
  workers: number;
  timeoutMs: number;
  /** `attempt` counts from 1. */
  process: (item: T, signal: AbortSignal, attempt: number) => Promise<void>;
  settled: (item: T, result: QueueSettled, attempt: number) => void;
  /**
   * Asked when an attempt failed (not after `close()` or `abort()`): milliseconds to wait before
   * the item runs again, or undefined to give up. Without it, failures are final.
   */
  retryDelay?: (item: T, failure: QueueFailure, attempt: number) => number | undefined;
  now?: () => number;
};

export class QueueTimeoutError extends Error {}

type Entry<T> = { item: T; attempt: number };
type Running<T> = { entry: Entry<T>; controller: AbortController; reported: boolean; retryInMs?: number };

export class OrderedQueue<T extends { key: string }> {
  private readonly waiting: Entry<T>[] = [];
  /** Items waiting out a retry delay; their key stays taken. */
  private readonly parked = new Map<Entry<T>, NodeJS.Timeout>();
  private readonly running = new Set<Running<T>>();
  private readonly busyKeys = new Set<string>();
  private closed = false;
  private aborted = false;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: OrderedQueueOptions<T>) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Items not running: waiting to start, or waiting for a retry. */
  get depth(): number {
    return this.waiting.length + this.parked.size;
  }

  /** Items waiting for a retry (included in `depth`). */
  get retrying(): number {
    return this.parked.size;
  }

  get inProgress(): number {
    return this.running.size;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  offer(item: T): 'queued' | 'full' | 'closed' {
    if (this.closed) return 'closed';
    if (this.depth >= this.options.capacity) return 'full';
    this.waiting.push({ item, attempt: 1 });
    this.pump();
    return 'queued';
  }

  /** Stops taking new items and retrying failed ones; what is queued still runs (retries at once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Nothing is retried once closed: the items waiting for one get their last try now, in order.
    for (const [entry, timer] of [...this.parked].reverse()) this.unpark(entry, timer);
    this.pump();
  }

  /**
   * Ends the queue now (a drain that ran out of time): every running item's signal aborts, nothing
   * starts afterwards, and neither the items cut off (`interrupted`) nor those that never started
   * (`dropped`) are reported through `settled`: the caller reports them. Work that ignores its
   * signal may still be running.
   */
  abort(reason: Error): { dropped: T[]; interrupted: T[] } {
    this.closed = true;
    this.aborted = true;
    const dropped = [...this.parked.keys(), ...this.waiting].map((entry) => entry.item);
    for (const timer of this.parked.values()) clearTimeout(timer);
    this.parked.clear();
    this.waiting.length = 0;
    const interrupted: T[] = [];
    for (const run of this.running) {
      // An item already reported as finally failed (its deadline passed) is not reported twice.
      if (!run.reported || run.retryInMs !== undefined) interrupted.push(run.entry.item);
      // Reported by the caller, with the dropped ones: whatever the work does now goes unreported.
      run.reported = true;
      run.controller.abort(reason);
    }
    this.checkIdle(true);
    return { dropped, interrupted };
  }

  /** Resolves when nothing waits and nothing runs (after `abort()`: at once). */
  idle(): Promise<void> {
    if (this.aborted || (this.depth === 0 && this.running.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.aborted) return;
    while (this.running.size < this.options.workers) {
      const index = this.waiting.findIndex((entry) => !this.busyKeys.has(entry.item.key));
      if (index < 0) return;
      const [entry] = this.waiting.splice(index, 1);
      if (entry) this.start(entry);
    }
  }

  private unpark(entry: Entry<T>, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.parked.delete(entry);
    this.busyKeys.delete(entry.item.key);
    // The head of the line: it came before anything else of its key still waiting.
    this.waiting.unshift(entry);
  }

  private start(entry: Entry<T>): void {
    const { item, attempt } = entry;
    this.busyKeys.add(item.key);
    const started = this.now();
    const seconds = () => (this.now() - started) / 1000;
    const run: Running<T> = { entry, controller: new AbortController(), reported: false };
    const { controller } = run;
    const report = (result: QueueSettled) => {
      if (run.reported) return;
      run.reported = true;
      let final = result;
      if (!result.ok && !this.closed && this.options.retryDelay) {
        try {
          run.retryInMs = this.options.retryDelay(item, result, attempt);
        } catch {
          run.retryInMs = undefined;
        }
        if (run.retryInMs !== undefined) final = { ...result, retryInMs: run.retryInMs };
      }
      try {
        this.options.settled(item, final, attempt);
      } catch {
        // A failing observer must not stall the queue.
      }
    };
    this.running.add(run);
    const timer = setTimeout(() => {
      const error = new QueueTimeoutError(`did not finish within ${Math.round(this.options.timeoutMs / 1000)} s`);
      controller.abort(error);
      report({ ok: false, seconds: seconds(), error, timedOut: true });
    }, this.options.timeoutMs);
    let work: Promise<void>;
    try {
      work = this.options.process(item, controller.signal, attempt);
    } catch (error) {
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    work
      .then(
        () => report({ ok: true, seconds: seconds() }),
        (error: unknown) => report({ ok: false, seconds: seconds(), error, timedOut: false }),
      )
      .finally(() => {
        clearTimeout(timer);
        this.running.delete(run);
        if (this.aborted) {
          this.busyKeys.delete(item.key);
          return;
        }
        const next: Entry<T> = { item, attempt: attempt + 1 };
        const { retryInMs } = run;
        if (retryInMs !== undefined && this.closed) {
          // Closed while this attempt ran: its retry is its last try, now.
          this.busyKeys.delete(item.key);
          this.waiting.unshift(next);
        } else if (retryInMs !== undefined) {
          // The key stays taken until the retry starts: later items of the key keep their place behind it.
          const wait = setTimeout(() => {
            this.unpark(next, wait);
            this.pump();
          }, retryInMs);
          this.parked.set(next, wait);
        } else {
          this.busyKeys.delete(item.key);
        }
        this.pump();
        this.checkIdle(false);
      });
  }

  private checkIdle(force: boolean): void {
    if (!force && (this.depth > 0 || this.running.size > 0)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
