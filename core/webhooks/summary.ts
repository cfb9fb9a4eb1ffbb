import { countChanges, totalCounts, type ChangeCounts, type WebhookAction, type WebhookChange, type WebhookReport } from './report';

/**
 * The webhooks section of the run summary: counts per event type and per project (text for logs,
 * Markdown for the Azure Pipelines summary tab and the GitHub job summary), then the individual
 * changes and the problems.
 */

type Column = WebhookAction | 'held' | 'failed';
const MAIN: readonly Column[] = ['create', 'update', 'replace', 'keep', 'prune'];
const OPTIONAL: readonly Column[] = ['stale', 'held', 'failed'];
const DONE: Record<Column, string> = { create: 'created', update: 'updated', replace: 'replaced', keep: 'kept', prune: 'pruned', stale: 'stale', held: 'held', failed: 'failed' };
const PLANNED: Record<Column, string> = { create: 'create', update: 'update', replace: 'replace', keep: 'keep', prune: 'prune', stale: 'stale', held: 'held', failed: 'failed' };
const MAX_CHANGE_LINES = 20;

function columns(report: WebhookReport): Column[] {
  const total = totalCounts(report.changes);
  return [...MAIN, ...OPTIONAL.filter((c) => total[c] > 0)];
}

function label(report: WebhookReport, column: Column): string {
  return (report.mode === 'plan' ? PLANNED : DONE)[column];
}

function rows(report: WebhookReport, by: 'eventType' | 'scope'): string[][] {
  const groups = countChanges(report.changes, (c) => c[by]);
  const order = by === 'eventType' ? [...report.eventTypes, ...[...groups.keys()].filter((k) => !report.eventTypes.includes(k)).sort()] : [...groups.keys()].sort((a, b) => (a === 'organization' ? -1 : b === 'organization' ? 1 : a.localeCompare(b)));
  const cols = columns(report);
  return order.filter((key) => groups.has(key)).map((key) => [key, ...cols.map((c) => String((groups.get(key) as ChangeCounts)[c]))]);
}

function headline(report: WebhookReport): string {
  const total = totalCounts(report.changes);
  const counts = columns(report)
    .map((c) => `${total[c]} ${label(report, c)}`)
    .join(', ');
  const outcome = report.status === 'success' ? (report.mode === 'plan' ? 'Webhooks plan (nothing was changed)' : 'Webhooks registered') : report.mode === 'plan' ? 'Webhooks plan failed' : 'Webhook registration failed';
  return `${outcome} for ${report.receiverUrl}: ${report.eventTypes.length} event type(s); ${counts}.`;
}

function changeLine(change: WebhookChange): string {
  const verb =
    change.action === 'stale'
      ? 'not wanted, left in place:'
      : change.outcome === 'planned'
        ? `would ${change.action}`
        : change.outcome === 'held'
          ? `held back (${change.action}):`
          : change.outcome === 'failed'
            ? `failed to ${change.action}`
            : DONE[change.action];
  const reasons = change.reasons.length ? ` (${change.reasons.join('; ')})` : '';
  const error = change.outcome === 'failed' && change.error ? `: ${change.error}` : '';
  return `${verb} ${change.eventType} for the ${change.scope}${reasons}${error}`;
}

function changeLines(report: WebhookReport): string[] {
  // A kept subscription is worth a line only when there is something to say (one a user disabled).
  const interesting = report.changes.filter((c) => c.action !== 'keep' || c.reasons.length > 0);
  const lines = interesting.slice(0, MAX_CHANGE_LINES).map(changeLine);
  if (interesting.length > MAX_CHANGE_LINES) lines.push(`… and ${interesting.length - MAX_CHANGE_LINES} more (the JSON summary lists them all)`);
  return lines;
}

function textTable(header: string[], body: string[][]): string[] {
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function renderWebhooksText(report: WebhookReport): string {
  const cols = columns(report).map((c) => label(report, c));
  const out = [headline(report)];
  if (report.changes.length > 0) {
    out.push('', ...textTable(['event type', ...cols], rows(report, 'eventType')));
    out.push('', ...textTable(['scope', ...cols], rows(report, 'scope')));
  }
  const changes = changeLines(report);
  if (changes.length) out.push('', 'Subscription changes:', ...changes.map((l) => `- ${l}`));
  if (report.warnings.length) out.push('', 'Webhook warnings:', ...report.warnings.map((w) => `- ${w}`));
  if (report.problems.length) out.push('', 'Webhook problems:', ...report.problems.map((p) => `- ${p}`));
  return out.join('\n');
}

const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function markdownTable(header: string[], body: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...body.map((row) => `| ${row.map(escape).join(' | ')} |`)];
}

export function renderWebhooksMarkdown(report: WebhookReport, options: { heading?: string } = {}): string {
  const cols = columns(report).map((c) => label(report, c));
  const out = [options.heading ?? '### Webhooks', '', escape(headline(report))];
  if (report.changes.length > 0) {
    out.push('', ...markdownTable(['event type', ...cols], rows(report, 'eventType')));
    out.push('', ...markdownTable(['scope', ...cols], rows(report, 'scope')));
  }
  const changes = changeLines(report);
  if (changes.length) out.push('', '#### Subscription changes', '', ...changes.map((l) => `- ${escape(l)}`));
  if (report.warnings.length) out.push('', '#### Webhook warnings', '', ...report.warnings.map((w) => `- ${escape(w)}`));
  if (report.problems.length) out.push('', '#### Webhook problems', '', ...report.problems.map((p) => `- ${escape(p)}`));
  return `${out.join('\n')}\n`;
}
