import { describe, expect, it } from 'vitest';
import { AzureDevOpsAuthError } from '../../core/azure-devops/errors';
import { fanOut, ListingFailedError } from '../../core/kinds/fan-out';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

async function* pagesOf(parent: number, delayMs = 1): AsyncGenerator<string> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, delayMs));
    yield `${parent}.${i}`;
  }
}

describe('fanOut', () => {
  it('yields every page of every parent', async () => {
    const pages = await collect(fanOut([1, 2, 3, 4], 2, (p) => pagesOf(p), String));
    expect(pages.sort()).toEqual(['1.0', '1.1', '1.2', '2.0', '2.1', '2.2', '3.0', '3.1', '3.2', '4.0', '4.1', '4.2']);
  });

  it('runs at most `concurrency` branches at once', async () => {
    let active = 0;
    let peak = 0;
    const branch = async function* (p: number) {
      active++;
      peak = Math.max(peak, active);
      yield* pagesOf(p, 3);
      active--;
    };
    await collect(fanOut([1, 2, 3, 4, 5, 6], 3, branch, String));
    expect(peak).toBe(3);
  });

  it('keeps the healthy branches and raises the failed ones at the end', async () => {
    const branch = async function* (p: number) {
      yield `${p}.0`;
      if (p === 2) throw new Error('page 2 failed');
      yield `${p}.1`;
    };
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const page of fanOut([1, 2, 3], 3, branch, (p) => `parent ${p}`)) seen.push(page);
      } catch (e) {
        return e;
      }
    })();
    expect(seen.sort()).toEqual(['1.0', '1.1', '2.0', '3.0', '3.1']);
    expect(error).toBeInstanceOf(ListingFailedError);
    expect((error as ListingFailedError).failures.map((f) => f.scope)).toEqual(['parent 2']);
    expect((error as Error).message).toContain('page 2 failed');
  });

  it('stops at once on an authentication failure', async () => {
    let started = 0;
    const branch = async function* (p: number) {
      started++;
      if (p === 1) throw new AzureDevOpsAuthError('sign-in page', 'u', 203);
      yield* pagesOf(p, 20);
    };
    await expect(collect(fanOut([1, 2, 3, 4, 5, 6, 7, 8], 1, branch, String))).rejects.toBeInstanceOf(AzureDevOpsAuthError);
    expect(started).toBe(1);
  });
});
