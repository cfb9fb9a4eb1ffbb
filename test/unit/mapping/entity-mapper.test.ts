import { describe, expect, it } from 'vitest';
import { MappingConfigError, parsePortAppConfigYaml } from '../../../core/mapping/app-config';
import { compilePortAppConfig } from '../../../core/mapping/entity-mapper';
import { mappingYaml, mapperFromYaml, repository, testEngine } from './mapping-fixtures';

function compileError(run: () => unknown): MappingConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingConfigError) return error;
    throw error;
  }
  throw new Error('expected a MappingConfigError');
}

describe('jq compile errors are configuration errors with file, line, field path and jq text', () => {
  const yaml = [
    'resources:', //                                            1
    '  - kind: repository', //                                  2
    '    selector:', //                                         3
    "      query: '.name | startswith(\"x\"'", //               4
    '    port:', //                                             5
    '      entity:', //                                         6
    '        mappings:', //                                     7
    '          identifier: .id', //                             8
    '          blueprint: \'"azureDevopsRepository"\'', //      9
    '          properties:', //                                10
    '            url: .webUrl |', //                           11
    '            ok: .name', //                                12
    '            size: .size | nosuchfunction', //             13
    '          relations:', //                                 14
    '            project:', //                                 15
    "              combinator: '\"and\"'", //                  16
    '              rules:', //                                 17
    "                - property: '\"$identifier\"'", //        18
    "                  operator: '\"=\"'", //                  19
    '                  value: .project.id)', //                20
    '  - kind: work-item', //                                  21
    '    port:', //                                            22
    '      entity:', //                                        23
    '        mappings:', //                                    24
    '          - identifier: .id | tostring', //               25
    "            blueprint: '\"workItem\"'", //                 26
    '          - identifier: .fields["System.Parent"] | tostring', // 27
    "            blueprint: '\"workItem\"'", //                 28
    '            title: "\'abc"', //                           29
  ].join('\n');

  it('reports every failing expression of every resource in one error', async () => {
    const engine = await testEngine();
    const config = parsePortAppConfigYaml(yaml, 'mappings/port-app-config.yml');
    const error = compileError(() => compilePortAppConfig(config, engine));
    expect(error.problems.map((p) => [p.path, p.source.line])).toEqual([
      ['resources[0].selector.query', 4],
      ['resources[0].port.entity.mappings.properties.url', 11],
      ['resources[0].port.entity.mappings.properties.size', 13],
      ['resources[0].port.entity.mappings.relations.project.rules[0].value', 20],
      ['resources[1].port.entity.mappings[1].title', 29],
    ]);
    expect(error.problems.every((p) => p.source.file === 'mappings/port-app-config.yml')).toBe(true);
    expect(error.message).toMatch(/^The mapping \(mappings\/port-app-config\.yml\) has 5 problems:\n/);
    const size = error.problems[2];
    expect(size?.message).toBe('jq `.size | nosuchfunction` does not compile: nosuchfunction/0 is not defined (line 1, column 9 of the expression)');
    expect(error.message).toContain(
      'mappings/port-app-config.yml:13:19: resources[0].port.entity.mappings.properties.size: jq `.size | nosuchfunction` does not compile',
    );
    expect(error.problems[0]?.message).toMatch(/^jq `\.name \| startswith\("x"` does not compile: syntax error, unexpected end of file/);
  });

  it("shows the expression after Port's single-quote rewrite when the rewrite changed it", async () => {
    const engine = await testEngine();
    const config = parsePortAppConfigYaml(yaml, 'port-app-config.yml');
    const error = compileError(() => compilePortAppConfig(config, engine));
    expect(error.problems[4]?.message).toMatch(/^jq `'abc` \(read as `"abc` after Port's single-quote rewrite\) does not compile: syntax error/);
  });

  it('names the origin when the mapping came from Port', async () => {
    const engine = await testEngine();
    const { portAppConfigFromObject } = await import('../../../core/mapping/app-config');
    const config = portAppConfigFromObject(
      { resources: [{ kind: 'project', port: { entity: { mappings: { identifier: '.id', blueprint: '"p"', properties: { x: '.a[' } } } } }] },
      "integration 'ado' in Port",
    );
    const error = compileError(() => compilePortAppConfig(config, engine));
    expect(error.problems).toEqual([
      expect.objectContaining({ path: 'resources[0].port.entity.mappings.properties.x', source: { file: "integration 'ado' in Port" } }),
    ]);
  });
});

describe('runtime errors, selectors and skipped items', () => {
  it('a failing field is null for that item only and is reported once per field with a count', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
          properties:
            sizeKb: .size / 1024
            first: .name | .[0:1]
            thrown: 'if .size > 10 then error({code: .size}) else "small" end'
`);
    const items = [
      { id: 'a', name: 'alpha', size: 2048 },
      { id: 'b', name: 'beta', size: 'big' },
      { id: 'c', name: 'gamma', size: 'huge' },
      { id: 'd', name: 7, size: 5 },
    ];
    const result = mapper.mapBatch(items);
    expect(result.entities.map((e) => e.properties)).toEqual([
      { sizeKb: 2, first: 'a', thrown: null },
      { sizeKb: null, first: 'b', thrown: null },
      { sizeKb: null, first: 'g', thrown: null },
      { sizeKb: 5 / 1024, first: null, thrown: 'small' },
    ]);
    expect(result.fieldErrors).toEqual([
      { resourceIndex: 0, kind: 'repository', field: 'port.entity.mappings.properties.thrown', jq: 'if .size > 10 then error({code: .size}) else "small" end', message: '{"code":2048}', count: 3 },
      { resourceIndex: 0, kind: 'repository', field: 'port.entity.mappings.properties.sizeKb', jq: '.size / 1024', message: 'string ("big") and number (1024) cannot be divided', count: 2 },
      { resourceIndex: 0, kind: 'repository', field: 'port.entity.mappings.properties.first', jq: '.name | .[0:1]', message: 'Cannot index number with object ({"start":0,"end":1})', count: 1 },
    ]);
    expect(result.hasErrors).toBe(false);

    mapper.mapBatch([{ id: 'e', name: 'eta', size: 'x' }]);
    const summary = mapper.summary();
    expect(summary.items).toBe(5);
    expect(summary.entities).toBe(5);
    expect(summary.fieldErrors.find((e) => e.field.endsWith('sizeKb'))).toMatchObject({ count: 3, message: 'string ("big") and number (1024) cannot be divided' });
  });

  it('a selector that is not a boolean is an error for that item and marks the resource', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    selector:
      query: .flag
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
`);
    const result = mapper.mapBatch([
      { id: 'kept', flag: true },
      { id: 'filtered', flag: false },
      { id: 'string', flag: 'yes' },
      { id: 'missing' },
      { id: 'number', flag: 1 },
    ]);
    expect(result.entities.map((e) => e.identifier)).toEqual(['kept']);
    expect(result.filteredOut).toBe(1);
    expect(result.selectorErrors).toBe(3);
    expect(result.hasErrors).toBe(true);
    expect(result.fieldErrors).toEqual([
      { resourceIndex: 0, kind: 'repository', field: 'selector.query', jq: '.flag', message: 'returned a string ("yes"); a selector must return true or false', count: 3 },
    ]);
    expect(mapper.summary().hasErrors).toBe(true);
  });

  it('a selector that fails at runtime or yields nothing is an error too', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    selector:
      query: .tags | map(. == "x") | any
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
`);
    const failing = mapper.mapBatch([{ id: 1, tags: 'x' }]);
    expect(failing.selectorErrors).toBe(1);
    expect(failing.fieldErrors[0]?.message).toBe('Cannot iterate over string ("x")');
    const empty = await mapperFromYaml(`
resources:
  - kind: repository
    selector:
      query: empty
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
`);
    const result = empty.mapBatch([{ id: 1 }]);
    expect(result.selectorErrors).toBe(1);
    expect(result.fieldErrors[0]?.message).toBe('returned null; a selector must return true or false');
  });

  it('skips and counts entities whose identifier or blueprint is null or empty', async () => {
    const mapper = await mapperFromYaml(mappingYaml({ identifier: '.id', blueprint: '.bp' }));
    const result = mapper.mapBatch([
      { id: 'ok', bp: 'repo' },
      { bp: 'repo' },
      { id: '', bp: 'repo' },
      { id: 'no-blueprint' },
      { id: 'empty-blueprint', bp: '' },
      { id: ['a', 'b'], bp: 'repo' },
      { id: 0, bp: 'repo' },
    ]);
    expect(result.entities).toEqual([
      { identifier: 'ok', blueprint: 'repo' },
      { identifier: '0', blueprint: 'repo' },
    ]);
    expect(result.skippedNoIdentifier).toBe(5);
    expect(result.hasErrors).toBe(false);
    expect(result.fieldErrors).toEqual([
      expect.objectContaining({ field: 'port.entity.mappings.identifier', message: 'returned an array; an identifier must be a string; the entity was skipped', count: 1 }),
    ]);
  });

  it('sends only the keys the mapping defines, with nulls kept', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
          icon: .icon
          team: .team
          properties:
            lang: .language
`);
    const [entity] = mapper.mapBatch([repository]).entities;
    expect(entity).toEqual({ identifier: repository.id, blueprint: 'repo', icon: null, team: null, properties: { lang: null } });
    expect(Object.keys(entity ?? {})).toEqual(['identifier', 'blueprint', 'icon', 'team', 'properties']);
  });

  it('an identifier whose expression fails is an item the mapping could not evaluate, not an entity without identifier', async () => {
    const mapper = await mapperFromYaml(mappingYaml({ identifier: '.name | ascii_downcase', blueprint: '"repo"' }));
    const result = mapper.mapBatch([{ name: 'Alpha' }, { name: 5 }, { name: null }]);
    expect(result.entities).toEqual([{ identifier: 'alpha', blueprint: 'repo' }]);
    // A failing identifier holds the blueprint's deletions (its entity may be in Port); a null one is Ocean's "no entity".
    expect(result.failedItems).toBe(2);
    expect(result.skippedNoIdentifier).toBe(0);
    expect(result.hasErrors).toBe(true);
    expect(result.fieldErrors).toEqual([expect.objectContaining({ field: 'port.entity.mappings.identifier', count: 2 })]);
  });

  it('a property named __proto__ is a key like any other, not the object prototype', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"repo"'
          properties:
            __proto__: .name
            plain: '{"__proto__": 1} | keys'
`);
    const [entity] = mapper.mapBatch([repository]).entities;
    const properties = entity?.properties ?? {};
    expect(Object.keys(properties)).toEqual(['__proto__', 'plain']);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(properties))).toEqual(JSON.parse(`{"__proto__": ${JSON.stringify(repository.name)}, "plain": ["__proto__"]}`));
  });

  it('a title or icon that is a number is sent as text; an object is null and reported', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: work-item
    port:
      entity:
        mappings:
          identifier: .id | tostring
          blueprint: '"workItem"'
          title: .id
          icon: .fields
`);
    const result = mapper.mapBatch([{ id: 42, fields: { a: 1 } }]);
    expect(result.entities).toEqual([{ identifier: '42', blueprint: 'workItem', title: '42', icon: null }]);
    expect(result.fieldErrors).toEqual([expect.objectContaining({ field: 'port.entity.mappings.icon', message: 'returned an object; expected a string; sent as null' })]);
  });
});

describe('itemsToParse details', () => {
  it('an item whose itemsToParse fails is skipped and reported; the others are expanded', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: file
    port:
      itemsToParse: .content.services | map(select(.enabled))
      entity:
        mappings:
          identifier: .item.name
          blueprint: '"service"'
          properties:
            leftover: .content | keys
`);
    const result = mapper.mapBatch([
      { content: { services: [{ name: 'a', enabled: true }, { name: 'b', enabled: false }], owner: 'x' } },
      { content: { services: 'not a list' } },
    ]);
    expect(result.entities).toEqual([{ identifier: 'a', blueprint: 'service', properties: { leftover: ['owner'] } }]);
    expect(result.itemsToParseSkipped).toBe(1);
    expect(result.fieldErrors).toEqual([
      expect.objectContaining({ field: 'port.itemsToParse', jq: '.content.services | map(select(.enabled))', message: 'Cannot iterate over string ("not a list")', count: 1 }),
    ]);
  });

  it('an item the engine cannot evaluate in itemsToParse is a failure, not a data warning', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: file
    port:
      itemsToParse: 'if .crash then (def f: [f]; f) else .list end'
      entity:
        mappings:
          identifier: .item
          blueprint: '"service"'
`);
    const result = mapper.mapBatch([{ list: ['a', 'b'] }, { crash: true }, { list: ['c'] }]);
    expect(result.entities.map((e) => e.identifier)).toEqual(['a', 'b', 'c']);
    expect(result.failedItems).toBe(1);
    expect(result.itemsToParseSkipped).toBe(0);
    expect(result.hasErrors).toBe(true);
    await (await testEngine()).restored();
  });
});
