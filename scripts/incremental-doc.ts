import { KINDS } from '../core/kinds/registry';

export const INCREMENTAL_KINDS_START = '<!-- incremental-kinds:start (generated from core/kinds by `npm run docs`) -->';
export const INCREMENTAL_KINDS_END = '<!-- incremental-kinds:end -->';

/** The kinds tables of docs/incremental.md, generated from each kind's `changedSince` so the page cannot drift from the code. */
export function renderIncrementalKinds(): string {
  const filtered = KINDS.filter((k) => k.changedSince !== undefined);
  const full = KINDS.filter((k) => k.changedSince === undefined);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    INCREMENTAL_KINDS_START,
    '',
    'Kinds Azure DevOps can list by change time:',
    '',
    '| kind | what an incremental run asks Azure DevOps for | changes it cannot see (they wait for the full sync) |',
    '|---|---|---|',
    ...filtered.map((k) => `| \`${k.kind}\` | ${cell(k.changedSince?.filter ?? '')} | ${cell(k.changedSince?.misses ?? 'nothing the full listing would see')} |`),
    '',
    `Kinds without a change filter, listed in full when their last complete listing is older than \`unfilteredMaxAgeMinutes\` (\`unfilteredKinds: when-stale\`, the default), in every incremental run (\`list\`) or not at all (\`skip\`), relying on the unchanged-entity skip so that only what changed is written: ${full.map((k) => `\`${k.kind}\``).join(', ')}.`,
    '',
    INCREMENTAL_KINDS_END,
  ].join('\n');
}

/** `markdown` with its generated block replaced by the current rendering. */
export function withIncrementalKinds(markdown: string): string {
  const start = markdown.indexOf(INCREMENTAL_KINDS_START);
  const end = markdown.indexOf(INCREMENTAL_KINDS_END);
  if (start < 0 || end < start) throw new Error('docs/incremental.md has no incremental-kinds markers');
  return markdown.slice(0, start) + renderIncrementalKinds() + markdown.slice(end + INCREMENTAL_KINDS_END.length);
}
