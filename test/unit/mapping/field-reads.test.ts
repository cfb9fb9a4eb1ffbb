import { describe, expect, it } from 'vitest';
import { defaultPortAppConfig } from '../../../core/kinds/defaults';
import workItem from '../../../core/kinds/work-item';
import { portAppConfigFromObject, type ResourceConfig } from '../../../core/mapping/app-config';
import { namedFieldsRead } from '../../../core/mapping/field-reads';

const SHAPE = { keys: ['id', 'rev', 'url'], fieldsKey: 'fields' };

function resource(properties: Record<string, string>, extra: { query?: string; itemsToParse?: string; itemsToParseName?: string; relations?: Record<string, unknown> } = {}): ResourceConfig {
  const port: Record<string, unknown> = {
    entity: {
      mappings: {
        identifier: '.id | tostring',
        blueprint: '"azureDevopsWorkItem"',
        properties,
        ...(extra.relations ? { relations: extra.relations } : {}),
      },
    },
  };
  if (extra.itemsToParse !== undefined) port.itemsToParse = extra.itemsToParse;
  if (extra.itemsToParseName !== undefined) port.itemsToParseName = extra.itemsToParseName;
  const config = portAppConfigFromObject({ resources: [{ kind: 'work-item', selector: { query: extra.query ?? 'true' }, port }] }, 'test');
  return config.resources[0]!;
}

const reads = (properties: Record<string, string>, extra?: Parameters<typeof resource>[1]) => namedFieldsRead(resource(properties, extra), SHAPE);

describe('namedFieldsRead', () => {
  it('lists the fields the default work-item mapping reads: it reads nothing else', () => {
    const defaults = portAppConfigFromObject(defaultPortAppConfig(), 'default').resources.filter((r) => r.kind === 'work-item');
    expect(defaults).toHaveLength(1);
    expect(workItem.namedFields).toEqual(SHAPE);
    expect(namedFieldsRead(defaults[0]!, SHAPE)).toEqual([
      'System.Title',
      'System.WorkItemType',
      'System.State',
      'System.Reason',
      'Microsoft.VSTS.Common.Priority',
      'Microsoft.VSTS.Scheduling.Effort',
      'Microsoft.VSTS.Scheduling.StoryPoints',
      'System.Description',
      'System.AssignedTo',
      'System.CreatedBy',
      'System.ChangedBy',
      'System.CreatedDate',
      'System.ChangedDate',
      'System.AreaPath',
      'System.IterationPath',
      'System.Tags',
      'System.BoardColumn',
    ]);
  });

  /** Every form a qualifying mapping may take, and the selector and relation that go with it. */
  const ACCEPTED = {
    a: '.rev | tostring',
    b: '.url | sub("/_apis/wit/workItems/"; "/_workitems/edit/")',
    c: '.fields."System.AssignedTo".uniqueName',
    d: '.fields["Custom.Size"] | length',
    e: '(.fields."System.Tags" // "") | split("; ")',
    f: 'if .fields."System.State" == "Done" then .fields."Microsoft.VSTS.Common.ClosedDate" else null end',
    g: '.__organizationUrl + "/" + (.__project.name | @uri)',
    i: '.fields."System.Title"',
  };
  const ACCEPTED_REST = { query: '.fields."System.WorkItemType" != "Epic"', relations: { parent: { combinator: '"and"', rules: [{ property: '"$identifier"', operator: '"="', value: '.fields."System.Parent" | tostring' }] } } };

  it('accepts id, rev, url, any depth below a named field, and the keys the engine adds', () => {
    expect(reads({ ...ACCEPTED, h: '.nosuchkey.__x' }, ACCEPTED_REST)).toBeUndefined(); // `.nosuchkey` is neither a key every answer holds nor the engine's
    expect(reads(ACCEPTED, ACCEPTED_REST)).toEqual([
      'System.WorkItemType',
      'System.AssignedTo',
      'Custom.Size',
      'System.Tags',
      'System.State',
      'Microsoft.VSTS.Common.ClosedDate',
      'System.Title',
      'System.Parent',
    ]);
  });

  it('reads nothing by name when only id, url and the engine keys are read', () => {
    expect(reads({ link: '.url' })).toEqual([]);
  });

  it.each([
    ['the whole item', '.'],
    ['its keys', 'keys'],
    ['every key', '.[] | tostring'],
    ['an element', '.[0]'],
    ['the keys of fields', '.fields | keys'],
    ['fields whole', '.fields'],
    ['every field', '[.fields[]] | length'],
    ['a computed field name', '.fields[.id | tostring]'],
    ['a computed key', '.[.fields."System.Title"]'],
    ['relations', '.relations | length'],
    ['the links', '._links.html.href'],
    ['the comment reference', '.commentVersionRef.url'],
    ['a key the answer may hold', '.whatever'],
    ['recursion', '[..] | length'],
    ['to_entries', 'to_entries | length'],
    ['a variable', '.fields."System.Title" as $t | $t'],
    ['reduce', 'reduce .fields."System.Tags" as $t (0; . + 1)'],
    ['tojson', 'tojson'],
  ])('falls back to whole items for %s (%s)', (_what, jq) => {
    expect(reads({ title: '.fields."System.Title"', x: jq })).toBeUndefined();
  });

  it('falls back when the selector reads more', () => {
    expect(reads({ title: '.fields."System.Title"' }, { query: '.relations != null' })).toBeUndefined();
  });

  it('with itemsToParse: its expression reads the raw item, the mapping reads the element under itemsToParseName', () => {
    expect(reads({ tag: '.item', title: '.fields."System.Title"', n: '.id' }, { itemsToParse: '.fields."System.Tags" // "" | split("; ")' })).toEqual(['System.Tags', 'System.Title']);
    expect(reads({ tag: '.tag.x' }, { itemsToParse: '[.fields."System.Tags"]', itemsToParseName: 'tag' })).toEqual(['System.Tags']);
    expect(reads({ rel: '.item.url' }, { itemsToParse: '.relations' })).toBeUndefined();
    // Outside itemsToParseName, the mapping still reads the raw item.
    expect(reads({ rel: '.item', links: '._links' }, { itemsToParse: '[.fields."System.Tags"]' })).toBeUndefined();
  });
});
