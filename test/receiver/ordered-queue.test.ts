import { describe, expect, it } from 'vitest';
import { OrderedQueue, QueueTimeoutError, type QueueSettled } from '../../core/live-events/ordered-queue';

type Item = { key: string; name: string };

/** Work that finishes when the test says so, recording the order things happened in. */
function harness(options: { capacity?: number; workers?: number; timeoutMs?: number } = {}) {
  const log: string[] = [];
  const release = new Map<string, () => void>();
  const settled: { name: string; result: QueueSettled }[] = [];
  const queue = new OrderedQueue<Item>({
    capacity: options.capacity ?? 10,
    workers: options.workers ?? 2,
    timeoutMs: options.timeoutMs ?? 60_000,
    process: (item, signal) =>
      new Promise<void>((resolve) => {
        log.push(`start ${item.name}`);
        signal.addEventListener('abort', () => log.push(`abort ${item.name}`));
        release.set(item.name, () => {
          log.push(`end ${item.name}`);
          resolve();
        });
      }),
    settled: (item, result) => settled.push({ name: item.name, result }),
  });
  const finish = async (name: string) => {
    const done = release.get(name);
    if (!done) throw new Error(`${name} is not running`);
    done();
    await new Promise((r) => setImmediate(r));
  };
  return { queue, log, settled, finish };
}

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
});
