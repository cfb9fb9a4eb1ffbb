import { describe, expect, it } from 'vitest';
import type { Volume } from '../../core/kinds/kind';
import { syncInLanes, type LaneRun } from '../../core/sync/resource-lanes';
import { MemoryReporter, type RunReporter } from '../../core/sync/reporter';

type Resource = { name: string; blueprints: string[]; volume?: Volume; ms: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lanesOf(resources: Resource[], slots: number, reporter: RunReporter, events: string[] = []): LaneRun<Resource, string> {
  return {
    resources,
    blueprintsOf: (r) => r.blueprints,
    volumeOf: (r) => r.volume,
    labelOf: (r) => r.name,
    createMissingRelatedEntities: true,
    slots,
    reporter,
    sync: async (r, log) => {
      events.push(`start ${r.name}`);
      log.info(`${r.name} listing`);
      await sleep(r.ms);
      log.info(`${r.name} listed`);
      return `${r.name} result`;
    },
    report: (result) => reporter.info(`report ${result}`),
    onReported: (r, finished) => reporter.progress(finished / 10, `${r.name}: done`),
  };
}

const logged = (reporter: MemoryReporter) => reporter.lines.filter((l) => l.level === 'info').map((l) => l.message);

describe('syncInLanes', () => {
  it('runs disjoint resources at once but writes their sections in mapping order, the heaviest started first', async () => {
    const reporter = new MemoryReporter();
    const events: string[] = [];
    const resources: Resource[] = [
      { name: 'a', blueprints: ['x'], ms: 30 },
      { name: 'b', blueprints: ['y'], volume: 'largest', ms: 1 },
      { name: 'c', blueprints: ['x'], ms: 1 },
    ];
    const results = await syncInLanes(lanesOf(resources, 2, reporter, events));
    expect(results).toEqual(['a result', 'b result', 'c result']);
    expect(events[0]).toBe('start b');
    expect(events.indexOf('start c')).toBeGreaterThan(events.indexOf('start a'));
    expect(logged(reporter)).toEqual(['== a', 'a listing', 'a listed', 'report a result', '== b', 'b listing', 'b listed', 'report b result', '== c', 'c listing', 'c listed', 'report c result']);
  });

  it('runs one resource after the other, each in its own section, with one slot', async () => {
    const reporter = new MemoryReporter();
    const resources: Resource[] = [
      { name: 'a', blueprints: ['x'], ms: 1 },
      { name: 'b', blueprints: ['y'], volume: 'largest', ms: 1 },
    ];
    const events: string[] = [];
    expect(await syncInLanes(lanesOf(resources, 1, reporter, events))).toEqual(['a result', 'b result']);
    expect(events).toEqual(['start a', 'start b']);
    expect(reporter.lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      'info == a',
      'info a listing',
      'info a listed',
      'info report a result',
      'progress 10% a: done',
      'info == b',
      'info b listing',
      'info b listed',
      'info report b result',
      'progress 20% b: done',
    ]);
  });

  it('counts the resources finished so far, across lanes', async () => {
    const seen: number[] = [];
    const run = lanesOf(
      [
        { name: 'a', blueprints: ['x'], ms: 1 },
        { name: 'b', blueprints: ['y'], ms: 1 },
      ],
      1,
      new MemoryReporter(),
    );
    await syncInLanes({
      ...run,
      sync: (r, log, finished) => {
        seen.push(finished());
        return run.sync(r, log, finished);
      },
    });
    expect(seen).toEqual([0, 1]);
  });

  it('returns nothing for no resources', async () => {
    expect(await syncInLanes(lanesOf([], 4, new MemoryReporter()))).toEqual([]);
  });
});
