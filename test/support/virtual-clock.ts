/** A clock for concurrent sleepers: time jumps to the earliest wake-up once everything else is idle. */
export function virtualClock(start = 1_700_000_000_000) {
  let t = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    deps: { now: () => t, sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: t + ms, wake })) },
    /** Runs `work` to completion, advancing time only when nothing can progress without it. */
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const result = work.finally(() => (done = true));
      while (!done) {
        await idle();
        if (done || sleepers.length === 0) continue;
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers.shift()!;
        t = Math.max(t, next.at);
        next.wake();
      }
      return result;
    },
  };
}
