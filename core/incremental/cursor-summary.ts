import type { CursorRunReport, ResourceCursorReport } from './resource-cursors';

export const CURSOR_HEADERS = ['resource', 'listing', 'since', 'cursor before', 'cursor after', 'changed'];

const LISTING: Record<ResourceCursorReport['listing'], string> = { changes: 'changes', full: 'full', skipped: 'skipped' };

/** ISO times to the second: enough to tell runs apart, and the table stays narrow. */
const time = (iso: string | null) => (iso === null ? '-' : iso.replace(/\.\d+Z$/, 'Z'));

/** One row per resource for the cursor table of an incremental run's summary. */
export function cursorRows(report: CursorRunReport): string[][] {
  return report.resources.map((r) => [r.label, LISTING[r.listing], time(r.since), time(r.cursorBefore), r.advanced ? time(r.cursorAfter) : `${time(r.cursorAfter)} (kept)`, String(r.changed)]);
}

/** Lines under the table: why a listing was full or a cursor kept. */
export function cursorNotes(report: CursorRunReport): string[] {
  if (report.mode === 'sync') {
    const advanced = report.resources.filter((r) => r.advanced).length;
    const notes = [`Incremental cursors set to ${time(report.startedAt)} for ${advanced} of ${report.resources.length} resources.`];
    for (const r of report.resources) if (r.held && !r.advanced) notes.push(`${r.label}: cursor kept: ${r.held}.`);
    return notes;
  }
  const notes = [`Incremental run: each listing starts ${report.overlapMinutes} min before its cursor; cursors advance to the run's start, ${time(report.startedAt)}, once a resource completes without error. Nothing is deleted.`];
  for (const r of report.resources) {
    if (r.listing !== 'changes') notes.push(`${r.label}: ${r.listing === 'full' ? 'listed in full' : 'not listed'}: ${r.detail}.`);
    if (r.held && r.listing !== 'skipped') notes.push(`${r.label}: cursor kept: ${r.held}.`);
  }
  return notes;
}
