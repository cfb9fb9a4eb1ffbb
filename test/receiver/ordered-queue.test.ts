import { describe, expect, it } from 'vitest';
import { OrderedQueue, QueueTimeoutError, type OrderedQueueOptions, type QueueSettled } from '../../core/live-events/ordered-queue';

type Item = { key: string; name: string };

/** Work that finishes when the test says so, recording the order things happened in. */
function harness(options: { capacity?: number; workers?: number; timeoutMs?: number; retryDelay?: OrderedQueueOptions<Item>['retryDelay'] } = {}) {
  const log: string[] = [];
  const release = new Map<string, (error?: Error) => void>();
  const settled: { name: string; result: QueueSettled; attempt: number }[] = [];
  const queue = new OrderedQueue<Item>({
    capacity: options.capacity ?? 10,
    workers: options.workers ?? 2,
    timeoutMs: options.timeoutMs ?? 60_000,
    process: (item, signal, attempt) =>
      new Promise<void>((resolve, reject) => {
        const name = attempt > 1 ? `${item.name}#${attempt}` : item.name;
        log.push(`start ${name}`);
        signal.addEventListener('abort', () => log.push(`abort ${name}`));
        release.set(item.name, (error) => {
          log.push(`${error ? 'fail' : 'end'} ${name}`);
          if (error) reject(error);
          else resolve();
        });
      }),
    settled: (item, result, attempt) => settled.push({ name: item.name, result, attempt }),
    ...(options.retryDelay ? { retryDelay: options.retryDelay } : {}),
  });
  const finish = async (name: string, error?: Error) => {
    const done = release.get(name);
    if (!done) throw new Error(`${name} is not running`);
    release.delete(name);
    done(error);
    await new Promise((r) => setImmediate(r));
  };
  return { queue, log, settled, finish };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('OrderedQueue', () => {
  it('runs items of one key one at a time, in arrival order, while other keys overtake', async () => {
    const { queue, log, finish } = harness({ workers: 2 });
    queue.offer({ key: 'a', name: 'a1' });
    queue.offer({ key: 'a', name: 'a2' });
    queue.offer({ key: 'b', name: 'b1' });
    queue.offer({ key: 'a', name: 'a3' });
    expect(log).toEqual(['start a1', 'start b1']);
    await finish('b1');
    // The free worker may not take a2 while a1 runs.
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    expect(queue.depth).toBe(2);
    await finish('a1');
    await finish('a2');
    await finish('a3');
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    await queue.idle();
  });

  it('refuses items beyond its capacity, and everything once closed', () => {
    const { queue } = harness({ capacity: 2, workers: 1 });
    expect(queue.offer({ key: 'a', name: 'running' })).toBe('queued');
    expect(queue.offer({ key: 'b', name: 'w1' })).toBe('queued');
    expect(queue.offer({ key: 'c', name: 'w2' })).toBe('queued');
    expect(queue.offer({ key: 'd', name: 'w3' })).toBe('full');
    expect(queue.depth).toBe(2);
    queue.close();
    expect(queue.offer({ key: 'e', name: 'late' })).toBe('closed');
  });

  it('aborts an item past its deadline and reports it, but keeps its key until the work stops', async () => {
    const { queue, log, settled, finish } = harness({ workers: 2, timeoutMs: 20 });
    queue.offer({ key: 'a', name: 'slow' });
    queue.offer({ key: 'a', name: 'next' });
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual(['start slow', 'abort slow']);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ name: 'slow', result: { ok: false, timedOut: true } });
    expect((settled[0]?.result as { error: unknown }).error).toBeInstanceOf(QueueTimeoutError);
    // A late write of `slow` must not race `next`: `next` starts only once `slow` has stopped.
    await finish('slow');
    expect(log).toEqual(['start slow', 'abort slow', 'end slow', 'start next']);
    expect(settled).toHaveLength(1);
    await finish('next');
    await queue.idle();
    expect(settled.map((s) => [s.name, s.result.ok])).toEqual([
      ['slow', false],
      ['next', true],
    ]);
  });

  it('tries a failed item again after its delay, keeping its key so later items of the key stay behind it', async () => {
    const { queue, log, settled, finish } = harness({ workers: 2, retryDelay: (_item, _failure, attempt) => (attempt < 3 ? 30 : undefined) });
    queue.offer({ key: 'a', name: 'a1' });
    queue.offer({ key: 'a', name: 'a2' });
    queue.offer({ key: 'b', name: 'b1' });
    await finish('a1', new Error('Port is down'));
    expect(settled[0]).toMatchObject({ name: 'a1', attempt: 1, result: { ok: false, retryInMs: 30 } });
    // a1 waits out its delay: a2 may not overtake it, though a worker is free.
    expect(queue.depth).toBe(2);
    expect(queue.retrying).toBe(1);
    expect(log).toEqual(['start a1', 'start b1', 'fail a1']);
    await finish('b1');
    await tick(60);
    expect(log.slice(-1)).toEqual(['start a1#2']);
    await finish('a1', new Error('still down'));
    await tick(60);
    await finish('a1', new Error('down for good'));
    // The third failure is final: reported without a retry, and a2 runs at last.
    expect(settled.filter((s) => s.name === 'a1').map((s) => [s.attempt, (s.result as { retryInMs?: number }).retryInMs])).toEqual([
      [1, 30],
      [2, 30],
      [3, undefined],
    ]);
    expect(log.slice(-2)).toEqual(['fail a1#3', 'start a2']);
    await finish('a2');
    await queue.idle();
    expect(queue.depth).toBe(0);
  });

  it('counts items waiting for a retry against its capacity', async () => {
    const { queue, finish } = harness({ capacity: 1, workers: 1, retryDelay: () => 10_000 });
    queue.offer({ key: 'a', name: 'a1' });
    await finish('a1', new Error('down'));
    expect(queue.retrying).toBe(1);
    expect(queue.offer({ key: 'b', name: 'b1' })).toBe('full');
    queue.abort(new Error('stop'));
  });

  it('once closed, tries nothing again: an item waiting for a retry gets its last try at once', async () => {
    const { queue, log, settled, finish } = harness({ workers: 1, retryDelay: () => 10_000 });
    queue.offer({ key: 'a', name: 'a1' });
    await finish('a1', new Error('down'));
    queue.close();
    expect(log).toEqual(['start a1', 'fail a1', 'start a1#2']);
    await finish('a1', new Error('still down'));
    expect(settled.map((s) => [s.attempt, (s.result as { retryInMs?: number }).retryInMs])).toEqual([
      [1, 10_000],
      [2, undefined],
    ]);
    await queue.idle();
  });

  it('aborts: running items are signalled, waiting ones handed back, and nothing starts afterwards', async () => {
    const { queue, log, settled, finish } = harness({ workers: 1, retryDelay: () => 10_000 });
    queue.offer({ key: 'a', name: 'a1' });
    queue.offer({ key: 'b', name: 'b1' });
    queue.offer({ key: 'c', name: 'c1' });
    queue.close();
    const { dropped, interrupted } = queue.abort(new Error('drain timeout'));
    expect(interrupted.map((i) => i.name)).toEqual(['a1']);
    expect(dropped.map((i) => i.name)).toEqual(['b1', 'c1']);
    expect(log).toEqual(['start a1', 'abort a1']);
    await queue.idle();
    // The cut-off work ends later: nothing else starts, and it is not reported (the caller did).
    await finish('a1');
    await tick(10);
    expect(log).toEqual(['start a1', 'abort a1', 'end a1']);
    expect(settled).toEqual([]);
    expect(queue.depth + queue.inProgress).toBe(0);
  });
});
