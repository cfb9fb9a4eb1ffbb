import { describe, expect, it } from 'vitest';
import { DEFAULT_INCREMENTAL_SETTINGS, planListing, type IncrementalSettings } from '../../core/incremental/listing-plan';

const START = new Date('2026-11-26T14:30:00.000Z');
const plan = (input: { hasFilter?: boolean; cursor: Parameters<typeof planListing>[0]['cursor']; settings?: Partial<IncrementalSettings> }) =>
  planListing({ hasFilter: input.hasFilter ?? true, cursor: input.cursor, settings: { ...DEFAULT_INCREMENTAL_SETTINGS, ...input.settings }, startedAt: START });

describe('how an incremental run lists one resource', () => {
  it('lists changes from the cursor minus the overlap window', () => {
    const at = new Date('2026-11-26T14:15:00.000Z');
    expect(plan({ cursor: { state: 'set', at, text: at.toISOString() } })).toEqual({ listing: 'changes', since: new Date('2026-11-26T14:10:00.000Z'), basis: 'cursor' });
    expect(plan({ cursor: { state: 'set', at, text: at.toISOString() }, settings: { overlapMinutes: 0 } })).toMatchObject({ since: at });
  });

  it("treats a cursor ahead of this run's clock as now", () => {
    const ahead = new Date('2026-11-26T15:00:00.000Z');
    expect(plan({ cursor: { state: 'set', at: ahead, text: ahead.toISOString() } })).toMatchObject({ since: new Date('2026-11-26T14:25:00.000Z') });
  });

  it('lists everything on a first run, or only the look-back when one is set', () => {
    expect(plan({ cursor: { state: 'none' } })).toEqual({ listing: 'full', reason: 'first run: no cursor yet' });
    expect(plan({ cursor: { state: 'none' }, settings: { lookBackDays: 2 } })).toEqual({ listing: 'changes', since: new Date('2026-11-24T14:30:00.000Z'), basis: 'look-back' });
    expect(plan({ cursor: { state: 'unreadable', text: '{"page":3}' } })).toEqual({ listing: 'full', reason: 'the stored cursor is not a time' });
  });

  it('lists a kind without a change filter in full, or skips it when asked to', () => {
    const at = new Date('2026-11-26T14:15:00.000Z');
    expect(plan({ hasFilter: false, cursor: { state: 'set', at, text: at.toISOString() } })).toMatchObject({ listing: 'full' });
    expect(plan({ hasFilter: false, cursor: { state: 'none' }, settings: { unfilteredKinds: 'skip' } })).toMatchObject({ listing: 'skipped' });
  });
});
