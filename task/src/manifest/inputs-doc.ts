/**
 * The inputs reference of docs/azure-pipelines.md, rendered from task.json: the manifest is the
 * one description of each input (label, values, default, help), so the docs cannot drift from
 * what the pipeline editor shows. A test keeps the committed docs equal to this rendering.
 */
export interface ManifestForDocs {
  readonly groups: readonly { readonly name: string; readonly displayName: string }[];
  readonly inputs: readonly {
    readonly name: string;
    readonly type: string;
    readonly label: string;
    readonly defaultValue?: string;
    readonly groupName?: string;
    readonly visibleRule?: string;
    readonly helpMarkDown?: string;
    readonly options?: Readonly<Record<string, string>>;
  }[];
  readonly outputVariables: readonly { readonly name: string; readonly description?: string }[];
}

export const INPUTS_DOC_START = '<!-- inputs:start (generated from task/PortSyncV0/task.json; UPDATE_DOCS=1 npx vitest run test/task/docs.test.ts) -->';
export const INPUTS_DOC_END = '<!-- inputs:end -->';

const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();

function values(input: ManifestForDocs['inputs'][number]): string {
  if (input.options) return Object.entries(input.options).map(([value, label]) => `\`${value}\` (${label})`).join(', ');
  if (input.type === 'boolean') return '`true`, `false`';
  if (input.type.startsWith('connectedService:')) return 'a service connection of type Port';
  if (input.type === 'filePath') return 'a path in the repository';
  if (input.type === 'multiLine') return 'text (several lines)';
  return 'text';
}

export function renderInputsDoc(manifest: ManifestForDocs): string {
  const lines: string[] = [INPUTS_DOC_START];
  for (const group of manifest.groups) {
    const inputs = manifest.inputs.filter((input) => input.groupName === group.name);
    if (inputs.length === 0) continue;
    lines.push('', `#### ${group.displayName}`, '', '| Input | Label | Values | Default | Description |', '|---|---|---|---|---|');
    for (const input of inputs) {
      const shown = input.visibleRule ? ` Shown when \`${input.visibleRule}\`.` : '';
      const fallback = input.defaultValue ? `\`${input.defaultValue}\`` : '—';
      lines.push(`| \`${input.name}\` | ${cell(input.label)} | ${cell(values(input))} | ${fallback} | ${cell(input.helpMarkDown ?? '')}${shown} |`);
    }
  }
  lines.push('', '#### Output variables', '', '| Variable | Description |', '|---|---|');
  for (const output of manifest.outputVariables) lines.push(`| \`${output.name}\` | ${cell(output.description ?? '')} |`);
  lines.push('', INPUTS_DOC_END);
  return lines.join('\n');
}
