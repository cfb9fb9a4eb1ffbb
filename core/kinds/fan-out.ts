import { AzureDevOpsAuthError } from '../azure-devops/errors';

/** Failures of some branches of a fan-out, raised after the healthy branches were consumed. */
export class ListingFailedError extends Error {
  constructor(readonly failures: readonly { scope: string; error: unknown }[]) {
    const first = failures[0];
    const detail = first ? `${first.scope}: ${first.error instanceof Error ? first.error.message : String(first.error)}` : '';
    super(failures.length === 1 ? detail : `${failures.length} listings failed; first: ${detail}`);
  }
}

/**
 * Runs `branch` for every parent with at most `concurrency` branches at once and yields their
 * pages as they arrive. A failing branch does not stop the others (their data is still worth
 * upserting); the failures are raised together at the end so the listing counts as incomplete.
 * An authentication failure stops everything at once: no other call can succeed either.
 */
export async function* fanOut<P, T>(
  parents: Iterable<P> | AsyncIterable<P>,
  concurrency: number,
  branch: (parent: P) => AsyncIterable<T>,
  scopeOf: (parent: P) => string,
): AsyncGenerator<T> {
  const failures: { scope: string; error: unknown }[] = [];
  const source = (Symbol.asyncIterator in parents ? parents[Symbol.asyncIterator]() : toAsync(parents));
  type Running = { iterator: AsyncIterator<T>; scope: string; pending: Promise<Step> };
  type Step = { running: Running; result: IteratorResult<T> } | { running: Running; error: unknown };
  const running = new Set<Running>();
  let sourceDone = false;

  const advance = (entry: Running): Promise<Step> =>
    entry.iterator.next().then(
      (result) => ({ running: entry, result }),
      (error: unknown) => ({ running: entry, error }),
    );
  const fill = async () => {
    while (!sourceDone && running.size < concurrency) {
      const next = await source.next();
      if (next.done) {
        sourceDone = true;
        return;
      }
      const entry = { iterator: branch(next.value)[Symbol.asyncIterator](), scope: scopeOf(next.value) } as Running;
      entry.pending = advance(entry);
      running.add(entry);
    }
  };

  try {
    await fill();
    while (running.size > 0) {
      const step = await Promise.race([...running].map((entry) => entry.pending));
      if ('error' in step) {
        running.delete(step.running);
        if (step.error instanceof AzureDevOpsAuthError) throw step.error;
        failures.push({ scope: step.running.scope, error: step.error });
      } else if (step.result.done) {
        running.delete(step.running);
      } else {
        step.running.pending = advance(step.running);
        yield step.result.value;
      }
      await fill();
    }
  } finally {
    for (const entry of running) void entry.iterator.return?.();
    if (!sourceDone) void source.return?.();
  }
  if (failures.length > 0) throw new ListingFailedError(failures);
}

async function* toAsync<P>(items: Iterable<P>): AsyncGenerator<P> {
  yield* items;
}
