/**
 * A bounded work queue with a fixed number of workers, where items that share a key run one at a
 * time in arrival order (events about one entity), while items with other keys overtake them.
 * Each item has a deadline: its signal aborts when it passes, and the item is reported as failed
 * then; its key and worker stay taken until the work has actually stopped, so a late write can
 * never race the next event about the same entity.
 */
export type QueueSettled = { ok: true; seconds: number } | { ok: false; seconds: number; error: unknown; timedOut: boolean };

export type OrderedQueueOptions<T> = {
  /** Items waiting (not yet started) at most; `offer` answers `full` beyond. */
  capacity: number;
  workers: number;
  timeoutMs: number;
  process: (item: T, signal: AbortSignal) => Promise<void>;
  settled: (item: T, result: QueueSettled) => void;
  now?: () => number;
};

export class QueueTimeoutError extends Error {}

export class OrderedQueue<T extends { key: string }> {
  private readonly waiting: T[] = [];
  private readonly busyKeys = new Set<string>();
  private running = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: OrderedQueueOptions<T>) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Waiting items. */
  get depth(): number {
    return this.waiting.length;
  }

  get inProgress(): number {
    return this.running;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  offer(item: T): 'queued' | 'full' | 'closed' {
    if (this.closed) return 'closed';
    if (this.waiting.length >= this.options.capacity) return 'full';
    this.waiting.push(item);
    this.pump();
    return 'queued';
  }

  /** Stops taking new items; what is queued still runs. */
  close(): void {
    this.closed = true;
  }

  /** Resolves when nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.options.workers) {
      const index = this.waiting.findIndex((item) => !this.busyKeys.has(item.key));
      if (index < 0) return;
      const [item] = this.waiting.splice(index, 1);
      if (item) this.start(item);
    }
  }

  private start(item: T): void {
    this.running++;
    this.busyKeys.add(item.key);
    const started = this.now();
    const seconds = () => (this.now() - started) / 1000;
    const controller = new AbortController();
    let reported = false;
    const report = (result: QueueSettled) => {
      if (reported) return;
      reported = true;
      try {
        this.options.settled(item, result);
      } catch {
        // A failing observer must not stall the queue.
      }
    };
    const timer = setTimeout(() => {
      const error = new QueueTimeoutError(`did not finish within ${Math.round(this.options.timeoutMs / 1000)} s`);
      controller.abort(error);
      report({ ok: false, seconds: seconds(), error, timedOut: true });
    }, this.options.timeoutMs);
    let work: Promise<void>;
    try {
      work = this.options.process(item, controller.signal);
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
        this.running--;
        this.busyKeys.delete(item.key);
        this.pump();
        if (this.waiting.length === 0 && this.running === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
  }
}
