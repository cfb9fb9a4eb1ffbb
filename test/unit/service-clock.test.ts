import { describe, expect, it } from 'vitest';
import { onServiceClock } from '../../core/util/service-clock';

const START = new Date('2026-11-27T10:00:00.250Z');

describe("the run's start on Azure DevOps' clock", () => {
  it("keeps the agent's own time when the clocks agree within the Date header's second", () => {
    expect(onServiceClock(START, new Date('2026-11-27T10:00:01.000Z'), new Date('2026-11-27T10:00:01.900Z'))).toBe(START);
    expect(onServiceClock(START, new Date('2026-11-27T10:00:03.000Z'), new Date('2026-11-27T10:00:01.200Z'))).toBe(START);
    expect(onServiceClock(START, undefined, new Date('2026-11-27T10:00:01.200Z'))).toBe(START);
  });

  it('moves it by the difference when the agent runs fast or slow', () => {
    // The agent is 10 minutes fast: it started at 10:10:00.25 by its clock, and read 10:10:01.3 when the service said 10:00:01.
    const fastStart = new Date('2026-11-27T10:10:00.250Z');
    expect(onServiceClock(fastStart, new Date('2026-11-27T10:00:01.000Z'), new Date('2026-11-27T10:10:01.300Z'))).toEqual(new Date('2026-11-27T09:59:59.950Z'));
    // The agent is 5 minutes slow.
    expect(onServiceClock(START, new Date('2026-11-27T10:05:01.000Z'), new Date('2026-11-27T10:00:01.000Z'))).toEqual(new Date('2026-11-27T10:05:00.250Z'));
  });
});
