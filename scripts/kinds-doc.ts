import { stringify } from 'yaml';
import { z } from 'zod';
import type { KindDefinition } from '../core/kinds/kind';
import { KINDS } from '../core/kinds/registry';

type JsonSchema = { type?: string; enum?: unknown[]; anyOf?: JsonSchema[]; items?: JsonSchema; default?: unknown; description?: string };

const COMMON_ENRICHMENT: Record<string, string> = {
  __organizationUrl: 'the organization (or collection) URL',
  __organizationName: 'the organization (or collection) name',
};

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  return schema.type ?? 'any';
}

function selectorTable(kind: KindDefinition): string[] {
  const schema = z.toJSONSchema(kind.selector, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema> };
  const rows = Object.entries(schema.properties ?? {}).map(([key, p]) => {
    const type = p.anyOf?.some((a) => a.type === 'boolean') ? 'boolean' : typeOf(p);
    const fallback = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${type} | ${fallback} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return [
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    '| `query` | jq → boolean | `"true"` | which raw items to map (every kind) |',
    ...rows,
  ];
}

/** docs/kinds.md, generated from the kind modules so it cannot drift from them. */
export function renderKindsDoc(): string {
  const out: string[] = [
    '# Resource kinds',
    '',
    '<!-- Generated from core/kinds by `npm run docs`; edit the kind modules, not this file. -->',
    '',
    'Each kind is one module in `core/kinds/`: its Azure DevOps calls, paging, selector keys, the',
    'fields it adds to raw items (the names Ocean uses, so Ocean mappings work unchanged), and its',
    'default blueprint and mapping. Every raw item also carries `__organizationUrl` and',
    '`__organizationName`.',
    '',
    '| kind | default blueprint | Azure DevOps Server | permission |',
    '|---|---|---|---|',
    ...KINDS.map((k) => {
      const resources = k.defaults.resources.length > 0 ? k.defaults.resources : (k.defaults.optIn?.example ?? []);
      const blueprints = [...new Set(resources.map((r) => String(r.port.entity.mappings.blueprint).replace(/"/g, '')))].join(', ');
      const optIn = k.defaults.resources.length === 0 && k.defaults.optIn ? ' (not in the default mapping)' : '';
      return `| [\`${k.kind}\`](#${k.kind}) | ${blueprints || '–'}${optIn} | ${k.availability === 'cloud-only' ? 'no (cloud only)' : 'yes'} | ${k.permission} |`;
    }),
    '',
  ];
  for (const kind of KINDS) {
    out.push(`## ${kind.kind}`, '', kind.description, '');
    out.push(`**Permission:** ${kind.permission}.${kind.availability === 'cloud-only' ? ' Cloud only: on Azure DevOps Server this kind fails with a clear error, for this kind only.' : ''}`, '');
    out.push('**Calls:**', '', ...kind.endpoints.map((e) => `- ${e}`), '');
    out.push('**Selector:**', '', ...selectorTable(kind), '');
    const enrichment = { ...kind.enrichment, ...COMMON_ENRICHMENT };
    out.push('**Fields added to each raw item:**', '', '| field | holds |', '|---|---|', ...Object.entries(enrichment).map(([f, d]) => `| \`${f}\` | ${d} |`), '');
    if (kind.defaults.resources.length > 0) {
      out.push('**Default mapping:**', '', '```yaml', stringify(kind.defaults.resources, { lineWidth: 0 }).trimEnd(), '```', '');
    }
    if (kind.defaults.optIn) {
      out.push(`**Not in the default mapping:** ${kind.defaults.optIn.reason} Its blueprint is created with the others; add a resource like this one to your mapping:`, '');
      out.push('```yaml', stringify(kind.defaults.optIn.example, { lineWidth: 0 }).trimEnd(), '```', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
