import { CURSOR_HEADERS, cursorNotes, cursorRows } from '../incremental/cursor-summary';
import { shardHeadline, shardLines } from '../shards/shard-summary';
import { renderWebhooksMarkdown, renderWebhooksText } from '../webhooks/summary';
import { resourceFailed, runTotals, type RunResult } from './stats';

type Row = string[];

const HEADERS = ['resource', 'listed', 'upserted', 'unchanged', 'failed', 'deleted', 'seconds', 'requests', 'throttled s', 'status'];
const PLAN_HEADERS = ['blueprint', 'create', 'update', 'unchanged', 'delete'];

function resourceRows(result: RunResult): Row[] {
  return result.resources.map((r) => [
    r.label,
    String(r.listed),
    String(result.mode === 'plan' ? r.wouldCreate + r.wouldUpdate : r.upserted),
    String(r.unchanged),
    String(resourceFailed(r)),
    String(r.deleted),
    r.seconds.toFixed(1),
    String(r.ado.requests),
    (r.ado.throttled.milliseconds / 1000).toFixed(1),
    r.error ? 'failed' : !r.ok ? 'partial' : r.incomplete.length > 0 ? 'incomplete' : 'ok',
  ]);
}

/**
 * The resource rows and, under them, the run's totals: the step outputs' numbers (runTotals).
 * Its deleted count is per blueprint, so it also has the bare relation targets no resource writes;
 * time, requests and throttling are the headline's.
 */
function tableRows(result: RunResult): Row[] {
  const rows = resourceRows(result);
  if (rows.length === 0) return rows;
  const t = runTotals(result);
  return [...rows, ['total', String(t.listed), String(t.upserted), String(t.unchanged), String(t.failed), String(t.deleted), '', '', '', '']];
}

/** One line per resource whose items produced no entity without failing: left out by the selector, or mapped to no identifier. */
function skippedLines(result: RunResult): string[] {
  return result.resources
    .filter((r) => r.filteredOut > 0 || r.skippedNoIdentifier > 0)
    .map((r) => {
      const parts = [...(r.filteredOut > 0 ? [`${r.filteredOut} left out by the selector`] : []), ...(r.skippedNoIdentifier > 0 ? [`${r.skippedNoIdentifier} mapped to no identifier or blueprint`] : [])];
      return `${r.label}: ${parts.join(', ')}.`;
    });
}

/** Azure DevOps' throttling, and Port's apart when it throttled at all (both are wall-clock time). */
function throttling(result: RunResult): string {
  const port = result.portThrottledSeconds ?? 0;
  return port > 0 ? `${result.throttledSeconds.toFixed(1)} s throttled by Azure DevOps, ${port.toFixed(1)} s by Port` : `${result.throttledSeconds.toFixed(1)} s throttled`;
}

function headline(result: RunResult): string {
  const verb = { plan: 'Plan', incremental: 'Incremental sync', sync: 'Sync' }[result.mode];
  const outcome = { success: 'succeeded', partial: 'finished with failures', failed: 'failed' }[result.status];
  return `${result.shard ? `${shardHeadline(result.shard)}: ` : ''}${verb} ${outcome} in ${result.seconds.toFixed(1)} s: ${result.adoRequests} Azure DevOps requests, ${result.portRequests} Port requests, ${throttling(result)}.`;
}

function deletionLines(result: RunResult): string[] {
  const d = result.deletions;
  const lines: string[] = [];
  if (d.skipped) lines.push(`Deletions ${result.mode === 'plan' ? 'would be' : 'were'} skipped: ${d.skipped}.`);
  for (const b of d.blueprints) {
    if (b.held) lines.push(`${b.blueprint}: ${b.stale} stale entit${b.stale === 1 ? 'y' : 'ies'} kept, ${b.held}.`);
    else if (b.error) lines.push(`${b.blueprint}: deleting ${b.stale} stale entities failed: ${b.error}`);
    else if (b.deleted > 0 || result.mode === 'plan') lines.push(`${b.blueprint}: ${result.mode === 'plan' ? `${b.stale} would be deleted` : `${b.deleted} deleted`}${b.samples.length ? ` (e.g. ${b.samples.slice(0, 3).join(', ')})` : ''}.`);
  }
  return lines;
}

function problemLines(result: RunResult): string[] {
  const lines = [...result.problems];
  for (const r of result.resources) {
    if (r.error) lines.push(`${r.label}: ${r.error}`);
    if (r.mappingErrors) lines.push(`${r.label}: ${r.mappingErrors} item(s) could not be evaluated by the selector or mapping.`);
    for (const f of r.failures.slice(0, 3)) lines.push(`${r.label}: ${f.identifier}: ${f.message}`);
    for (const reason of r.incomplete.slice(0, 3)) lines.push(`${r.label}: incomplete listing: ${reason}`);
  }
  return lines;
}

/** The summary as plain text, for terminals and logs. */
export function renderText(result: RunResult): string {
  const rows = [HEADERS, ...tableRows(result)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: Row) => row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [headline(result), '', line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const skipped = skippedLines(result);
  if (skipped.length) out.push('', 'Items skipped (no entity, not failures):', ...skipped.map((l) => `- ${l}`));
  if (result.mode === 'plan' && result.plan.length > 0) {
    out.push('', 'Planned changes per blueprint:');
    const planRows = [PLAN_HEADERS, ...result.plan.map((p) => [p.blueprint, String(p.create), String(p.update), String(p.unchanged), String(p.delete)])];
    const pw = PLAN_HEADERS.map((_, i) => Math.max(...planRows.map((row) => (row[i] ?? '').length)));
    for (const row of planRows) out.push(row.map((c, i) => (i === 0 ? c.padEnd(pw[i] ?? 0) : c.padStart(pw[i] ?? 0))).join('  '));
    for (const p of result.plan) {
      if (p.samples.create.length) out.push(`  ${p.blueprint} create e.g. ${p.samples.create.join(', ')}`);
      if (p.samples.update.length) out.push(`  ${p.blueprint} update e.g. ${p.samples.update.join(', ')}`);
      if (p.samples.delete.length) out.push(`  ${p.blueprint} delete e.g. ${p.samples.delete.join(', ')}`);
    }
  }
  if (result.mode === 'incremental' && result.cursors) {
    const cursorTable = [CURSOR_HEADERS, ...cursorRows(result.cursors)];
    const cw = CURSOR_HEADERS.map((_, i) => Math.max(...cursorTable.map((row) => (row[i] ?? '').length)));
    const cursorLine = (row: Row) => row.map((c, i) => (i === row.length - 1 ? c.padStart(cw[i] ?? 0) : c.padEnd(cw[i] ?? 0))).join('  ').trimEnd();
    out.push('', 'Cursors:', cursorLine(CURSOR_HEADERS), cw.map((w) => '-'.repeat(w)).join('  '), ...cursorTable.slice(1).map(cursorLine));
  }
  if (result.cursors) out.push('', ...cursorNotes(result.cursors));
  const deletions = deletionLines(result);
  if (deletions.length) out.push('', ...deletions);
  const shard = shardLines(result);
  if (shard.length) out.push('', ...shard);
  const problems = problemLines(result);
  if (problems.length) out.push('', 'Problems:', ...problems.map((p) => `- ${p}`));
  if (result.webhooks) out.push('', renderWebhooksText(result.webhooks));
  return out.join('\n');
}

const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The summary as Markdown, for the Azure Pipelines summary tab and the GitHub job summary. */
export function renderMarkdown(result: RunResult): string {
  const table = (headers: string[], rows: Row[]) => [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  const out = [`## Port sync from Azure DevOps${result.shard ? ` (shard ${result.shard.index}/${result.shard.count})` : ''}`, '', headline(result), '', ...table(HEADERS, tableRows(result))];
  const skipped = skippedLines(result);
  if (skipped.length) out.push('', '### Items skipped', '', 'No entity was written for these items, and they are not failures.', '', ...skipped.map((l) => `- ${escape(l)}`));
  if (result.mode === 'plan' && result.plan.length > 0) {
    out.push('', '### Planned changes', '', ...table(PLAN_HEADERS, result.plan.map((p) => [p.blueprint, String(p.create), String(p.update), String(p.unchanged), String(p.delete)])));
  }
  if (result.mode === 'incremental' && result.cursors) out.push('', '### Cursors', '', ...table(CURSOR_HEADERS, cursorRows(result.cursors)));
  if (result.cursors) out.push('', ...cursorNotes(result.cursors).map((l) => `- ${escape(l)}`));
  const deletions = deletionLines(result);
  if (deletions.length) out.push('', '### Deletions', '', ...deletions.map((l) => `- ${escape(l)}`));
  const shard = shardLines(result);
  if (shard.length) out.push('', '### Shard', '', ...shard.map((l) => `- ${escape(l.trim())}`));
  const problems = problemLines(result);
  if (problems.length) out.push('', '### Problems', '', ...problems.map((p) => `- ${escape(p)}`));
  if (result.webhooks) out.push('', renderWebhooksMarkdown(result.webhooks).trimEnd());
  return `${out.join('\n')}\n`;
}
