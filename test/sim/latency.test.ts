import { describe, expect, it } from 'vitest';
import { latencyLeft } from '../../sim/shared/latency';

describe("the simulators' answer latency", () => {
  it('counts the simulator’s own work toward the latency instead of adding it', () => {
    expect(latencyLeft(40, 1_000, 1_000)).toBe(40);
    expect(latencyLeft(40, 1_000, 1_015)).toBe(25);
  });

  it('never waits when the work took longer than the latency, or when there is none', () => {
    expect(latencyLeft(40, 1_000, 1_040)).toBe(0);
    expect(latencyLeft(40, 1_000, 1_100)).toBe(0);
    expect(latencyLeft(0, 1_000, 1_000)).toBe(0);
  });
});
