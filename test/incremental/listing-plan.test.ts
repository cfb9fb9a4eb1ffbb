import { describe, expect, it } from 'vitest';
import { DEFAULT_INCREMENTAL_SETTINGS, planListing, type IncrementalSettings } from '../../core/incremental/listing-plan';
import { changesFrom } from '../../core/kinds/kind';

const START = new Date('2026-11-26T14:30:00.000Z');
const plan = (input: { hasFilter?: boolean; cursor: Parameters<typeof planListing>[0]['cursor']; settings?: Partial<IncrementalSettings> }) =>
  planListing({ hasFilter: input.hasFilter ?? true, cursor: input.cursor, settings: { ...DEFAULT_INCREMENTAL_SETTINGS, ...input.settings }, startedAt: START });

describe('how an incremental run lists one resource', () => {
  it('lists changes from the cursor minus the overlap window', () => {
    const at = new Date('2026-11-26T14:15:00.000Z');
    expect(plan({ cursor: { state: 'set', at, text: at.toISOString() } })).toEqual({ listing: 'changes', since: new Date('2026-11-26T14:10:00.000Z'), basis: 'cursor' });
    expect(plan({ cursor: { state: 'set', at, text: at.toISOString() }, settings: { overlapMinutes: 0 } })).toMatchObject({ since: at });
  });

  it("lists everything from a cursor later than the run's start on Azure DevOps' clock: it may be past changes never listed", () => {
    const ahead = new Date('2026-11-26T15:00:00.000Z');
    expect(plan({ cursor: { state: 'set', at: ahead, text: ahead.toISOString() } })).toEqual({
      listing: 'full',
      reason: "the stored cursor 2026-11-26T15:00:00.000Z is later than Azure DevOps' clock (2026-11-26T14:30:00.000Z)",
    });
    // Not with a look-back either: the cursor exists, it is only wrong.
    expect(plan({ cursor: { state: 'set', at: ahead, text: ahead.toISOString() }, settings: { lookBackDays: 1 } })).toMatchObject({ listing: 'full' });
    // Within a minute (a Date header's truncated second, a cursor of the same instant) it is trusted.
    const justAhead = new Date('2026-11-26T14:30:40.000Z');
    expect(plan({ cursor: { state: 'set', at: justAhead, text: justAhead.toISOString() }, settings: { overlapMinutes: 0 } })).toEqual({ listing: 'changes', since: justAhead, basis: 'cursor' });
  });

  it('uses the look-back only for a resource without a cursor, never for one Port could not give', () => {
    const settings = { lookBackDays: 1 };
    expect(plan({ cursor: { state: 'unavailable' }, settings })).toEqual({ listing: 'full', reason: 'the cursor could not be read from Port' });
    expect(plan({ cursor: { state: 'unreadable', text: 'garbage' }, settings })).toEqual({ listing: 'full', reason: 'the stored cursor is not a time' });
    expect(plan({ cursor: { state: 'none' }, settings })).toMatchObject({ listing: 'changes', basis: 'look-back' });
  });

  it('lists everything on a first run, or only the look-back when one is set', () => {
    expect(plan({ cursor: { state: 'none' } })).toEqual({ listing: 'full', reason: 'first run: no cursor yet' });
    expect(plan({ cursor: { state: 'none' }, settings: { lookBackDays: 2 } })).toEqual({ listing: 'changes', since: new Date('2026-11-24T14:30:00.000Z'), basis: 'look-back' });
    expect(plan({ cursor: { state: 'unreadable', text: '{"page":3}' } })).toEqual({ listing: 'full', reason: 'the stored cursor is not a time' });
  });

  it('lists a kind without a change filter in full with list, and skips it with skip, whatever its cursor', () => {
    const at = new Date('2026-11-26T14:15:00.000Z');
    expect(plan({ hasFilter: false, cursor: { state: 'set', at, text: at.toISOString() }, settings: { unfilteredKinds: 'list' } })).toMatchObject({ listing: 'full' });
    expect(plan({ hasFilter: false, cursor: { state: 'none' }, settings: { unfilteredKinds: 'skip' } })).toMatchObject({ listing: 'skipped' });
    const old = new Date('2026-11-20T00:00:00.000Z');
    expect(plan({ hasFilter: false, cursor: { state: 'set', at: old, text: old.toISOString() }, settings: { unfilteredKinds: 'skip' } })).toMatchObject({ listing: 'skipped' });
  });

  it('by default (when-stale) lists a kind without a change filter only once its last complete listing is at least the maximum age old', () => {
    expect(DEFAULT_INCREMENTAL_SETTINGS).toMatchObject({ unfilteredKinds: 'when-stale', unfilteredMaxAgeMinutes: 240 });
    const cursor = (iso: string) => ({ state: 'set' as const, at: new Date(iso), text: iso });
    // START is 14:30: 15 minutes and 3 h 59 min after the last listing are not stale; 4 h and more are.
    expect(plan({ hasFilter: false, cursor: cursor('2026-11-26T14:15:00.000Z') })).toEqual({ listing: 'skipped', reason: 'no change filter; last listed 15 min ago, under incremental.unfilteredMaxAgeMinutes (240)' });
    expect(plan({ hasFilter: false, cursor: cursor('2026-11-26T10:31:00.000Z') })).toMatchObject({ listing: 'skipped' });
    expect(plan({ hasFilter: false, cursor: cursor('2026-11-26T10:30:00.000Z') })).toEqual({ listing: 'full', reason: 'no change filter; last listed 240 min ago, at least incremental.unfilteredMaxAgeMinutes (240)' });
    expect(plan({ hasFilter: false, cursor: cursor('2026-11-26T14:15:00.000Z'), settings: { unfilteredMaxAgeMinutes: 10 } })).toMatchObject({ listing: 'full' });
    // Never listed, or a cursor that is not a time: listed, so the kind is never left unlisted until the nightly run.
    expect(plan({ hasFilter: false, cursor: { state: 'none' } })).toMatchObject({ listing: 'full' });
    expect(plan({ hasFilter: false, cursor: { state: 'unreadable', text: '{"page":3}' } })).toMatchObject({ listing: 'full' });
    // A cursor ahead of the run's start is not trusted to say the kind was listed lately, nor one Port could not give.
    expect(plan({ hasFilter: false, cursor: cursor('2026-11-26T15:00:00.000Z') })).toMatchObject({ listing: 'full' });
    expect(plan({ hasFilter: false, cursor: { state: 'unavailable' } })).toEqual({ listing: 'full', reason: 'no change filter, and the cursor could not be read from Port' });
  });
});

describe("where a change listing starts when the selector has a bound of its own", () => {
  const window = { since: new Date('2026-11-26T14:00:00.000Z'), shared: <T>(_key: string, load: () => Promise<T>) => load() };

  it("keeps the selector's bound when it is later, as written", () => {
    expect(changesFrom(window, '2026-11-26T15:00:00+01:00')).toBe('2026-11-26T14:00:00.000Z');
    expect(changesFrom(window, '2026-11-26T15:00:00Z')).toBe('2026-11-26T15:00:00Z');
    expect(changesFrom(window, new Date('2026-11-26T14:30:00.000Z'))).toBe('2026-11-26T14:30:00.000Z');
  });

  it("starts at the window when the selector's bound is earlier, absent or not a time", () => {
    expect(changesFrom(window, '2026-11-01T00:00:00Z')).toBe('2026-11-26T14:00:00.000Z');
    expect(changesFrom(window, undefined)).toBe('2026-11-26T14:00:00.000Z');
    expect(changesFrom(window, 'last tuesday')).toBe('2026-11-26T14:00:00.000Z');
    expect(changesFrom(window, new Date('2026-11-20T00:00:00.000Z'))).toBe('2026-11-26T14:00:00.000Z');
  });
});
