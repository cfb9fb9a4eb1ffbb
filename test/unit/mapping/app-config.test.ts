import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MappingConfigError, parsePortAppConfigYaml, portAppConfigFromObject, portAppConfigToObject, type PortAppConfig } from '../../../core/mapping/app-config';

function problemsOf(run: () => unknown): MappingConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof MappingConfigError) return error;
    throw error;
  }
  throw new Error('expected a MappingConfigError');
}

/** The model without functions, for equality checks. */
function plain(config: PortAppConfig) {
  return { ...config, resources: config.resources.map(({ lineOf: _lineOf, source: _source, ...rest }) => rest), warnings: [] };
}

describe('parsePortAppConfigYaml', () => {
  it('fills every default of a minimal mapping', () => {
    const config = parsePortAppConfigYaml(
      `
resources:
  - kind: project
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"azureDevopsProject"'
`,
      'port-app-config.yml',
    );
    expect(plain(config)).toEqual({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.9,
      resources: [
        {
          index: 0,
          kind: 'project',
          selector: { query: 'true' },
          port: { itemsToParseName: 'item', itemsToParseTopLevelTransform: true, entity: { mappings: [{ identifier: '.id', blueprint: '"azureDevopsProject"' }], mappingsForm: 'object' } },
        },
      ],
      warnings: [],
    });
    expect(config.warnings).toEqual([]);
    expect(config.resources[0]?.source).toEqual({ file: 'port-app-config.yml', line: 3, column: 5 });
  });

  it('reads anchors and merge keys as PyYAML does, and a quoted << as a name', () => {
    const config = parsePortAppConfigYaml(
      `
resources:
  - kind: project
    port:
      entity:
        mappings: &common
          identifier: .id
          blueprint: '"azureDevopsProject"'
          properties:
            "<<": .name
  - kind: team
    port:
      entity:
        mappings:
          <<: *common
          identifier: .teamId
`,
      'port-app-config.yml',
    );
    const mappings = config.resources.map((r) => r.port.entity.mappings[0]);
    expect(mappings[0]).toEqual({ identifier: '.id', blueprint: '"azureDevopsProject"', properties: { '<<': '.name' } });
    expect(mappings[1]).toEqual({ identifier: '.teamId', blueprint: '"azureDevopsProject"', properties: { '<<': '.name' } });
    expect(config.warnings).toEqual([]);
  });

  it('reads every key and keeps kind-specific selector keys for the kind to validate', () => {
    const config = parsePortAppConfigYaml(
      `deleteDependentEntities: false
createMissingRelatedEntities: false
enableMergeEntity: false
entityDeletionThreshold: 0.25
resources:
  - kind: work-item
    selector:
      query: .fields["System.State"] != "Removed"
      wiql: "[System.WorkItemType] = 'Bug'"
      expand: all
    port:
      itemsToParse: .children
      itemsToParseName: child
      itemsToParseTopLevelTransform: false
      entity:
        mappings:
          - identifier: .child.id | tostring
            title: .child.title
            blueprint: '"workItem"'
            icon: '"Bug"'
            team: .team
            properties:
              state: .fields["System.State"]
            relations:
              project: .project.id
`,
      'x.yml',
    );
    const [resource] = config.resources;
    expect(config).toMatchObject({ deleteDependentEntities: false, createMissingRelatedEntities: false, enableMergeEntity: false, entityDeletionThreshold: 0.25 });
    expect(resource?.selector).toEqual({ query: '.fields["System.State"] != "Removed"', wiql: "[System.WorkItemType] = 'Bug'", expand: 'all' });
    expect(resource?.port).toEqual({
      itemsToParse: '.children',
      itemsToParseName: 'child',
      itemsToParseTopLevelTransform: false,
      entity: {
        mappingsForm: 'list',
        mappings: [
          {
            identifier: '.child.id | tostring',
            title: '.child.title',
            blueprint: '"workItem"',
            icon: '"Bug"',
            team: '.team',
            properties: { state: '.fields["System.State"]' },
            relations: { project: '.project.id' },
          },
        ],
      },
    });
    expect(resource?.lineOf(['selector', 'wiql'])).toEqual({ file: 'x.yml', line: 9, column: 13 });
    expect(resource?.lineOf(['port', 'entity', 'mappings', 0, 'relations', 'project'])).toEqual({ file: 'x.yml', line: 25, column: 24 });
    expect(resource?.lineOf(['selector', 'missingKey'])).toEqual({ file: 'x.yml', line: 8, column: 7 });
  });

  it('warns about unknown keys, with their lines, instead of failing', () => {
    const config = parsePortAppConfigYaml(
      `specPath: port.yml
useDefaultBranch: true
colour: blue
resources:
  - kind: repository
    selectr: {}
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"r"'
          propertys:
            a: .a
`,
      'p.yml',
    );
    expect(config.warnings).toEqual([
      { message: "specPath is used only by Ocean's GitOps mode and is ignored", source: { file: 'p.yml', line: 1, column: 11 } },
      { message: "useDefaultBranch is used only by Ocean's GitOps mode and is ignored", source: { file: 'p.yml', line: 2, column: 19 } },
      { message: 'colour is not a port-app-config key and is ignored', source: { file: 'p.yml', line: 3, column: 9 } },
      { message: 'resources[0].selectr is not a known key here (expected kind, selector, port) and is ignored', source: { file: 'p.yml', line: 6, column: 14 } },
      {
        message: 'resources[0].port.entity.mappings.propertys is not a known key here (expected identifier, title, blueprint, icon, team, properties, relations) and is ignored',
        source: { file: 'p.yml', line: 13, column: 13 },
      },
    ]);
  });

  it('reports malformed YAML with every error and its line', () => {
    const error = problemsOf(() =>
      parsePortAppConfigYaml(
        `resources:
  - kind: repository
    port:
      entity:
        mappings:
          identifier: .id
          identifier: .name
          blueprint: '"r"
`,
        'broken.yml',
      ),
    );
    expect(error.problems.map((p) => [p.source.line, p.message])).toEqual([
      [7, 'Map keys must be unique'],
      [8, "Missing closing 'quote: the string that starts here is never closed"],
    ]);
    expect(error.message).toContain('broken.yml:7:11: Map keys must be unique');
    expect(error.message).toMatch(/^The mapping file broken\.yml has 2 problems:/);
  });

  it('reports every missing required key in one error, each with its line', () => {
    const error = problemsOf(() =>
      parsePortAppConfigYaml(
        `resources:
  - selector:
      query: 'true'
    port:
      entity:
        mappings:
          title: .name
  - kind: branch
  - kind: pipeline
    port:
      itemsToParse: .x
  - kind: build
    port:
      entity: {}
  - kind: team
    port:
      entity:
        mappings:
          - identifier: .id
          - blueprint: '"team"'
`,
        'required.yml',
      ),
    );
    expect(error.problems.map((p) => `${p.source.line} ${p.path}: ${p.message}`)).toEqual([
      '2 resources[0].kind: is required (the Azure DevOps kind to sync, e.g. repository)',
      `7 resources[0].port.entity.mappings.identifier: is required (a jq expression such as .id | tostring)`,
      `7 resources[0].port.entity.mappings.blueprint: is required (a jq expression; for a fixed blueprint write '"myBlueprint"')`,
      '8 resources[1].port: is required (port.entity.mappings says how each item becomes an entity)',
      '11 resources[2].port.entity: is required: port.entity.mappings says how each item becomes an entity',
      '14 resources[3].port.entity.mappings: is required: one mapping {identifier, blueprint, …} or a list of them',
      `19 resources[4].port.entity.mappings[0].blueprint: is required (a jq expression; for a fixed blueprint write '"myBlueprint"')`,
      '20 resources[4].port.entity.mappings[1].identifier: is required (a jq expression such as .id | tostring)',
    ]);
  });

  it('reports wrong types clearly', () => {
    const error = problemsOf(() =>
      parsePortAppConfigYaml(
        `deleteDependentEntities: "yes"
entityDeletionThreshold: 1.5
resources:
  - kind: 12
    selector: everything
    port:
      itemsToParseTopLevelTransform: nope
      entity:
        mappings:
          identifier: [.id]
          blueprint: '   '
          properties: [.a, .b]
          relations:
            project:
              combinator: '"and"'
              rules:
                - property: '"$identifier"'
                  value: .project.id
            team:
              rules: []
  - just a string
`,
        'types.yml',
      ),
    );
    expect(error.problems.map((p) => `${p.source.line} ${p.path}: ${p.message}`)).toEqual([
      '1 deleteDependentEntities: must be true or false, not a string ("yes")',
      '2 entityDeletionThreshold: must be a number from 0 to 1 (the largest share of entities a run may delete), not a number (1.5)',
      '4 resources[0].kind: must be a kind name, not a number (12)',
      '5 resources[0].selector: must be a mapping with a `query` (jq returning true or false), not a string ("everything")',
      '7 resources[0].port.itemsToParseTopLevelTransform: must be true or false, not a string ("nope")',
      '10 resources[0].port.entity.mappings.identifier: must be a jq expression or a search query {combinator, rules}, not an array',
      "11 resources[0].port.entity.mappings.blueprint: is an empty jq expression; write '.' for the item itself or 'null' for no value",
      '12 resources[0].port.entity.mappings.properties: must be a mapping of id → jq expression, not an array',
      `17 resources[0].port.entity.mappings.relations.project.rules[0].operator: is required in a search rule (a jq expression such as '"="')`,
      `20 resources[0].port.entity.mappings.relations.team.combinator: is required in a search query (a jq expression, usually '"and"' or '"or"')`,
      '20 resources[0].port.entity.mappings.relations.team.rules: must be a non-empty list of rules, not an array',
      '21 resources[1]: must be a resource ({kind, selector, port}), not a string ("just a string")',
    ]);
  });

  it('rejects an empty file and a top level that is not a mapping', () => {
    expect(problemsOf(() => parsePortAppConfigYaml('', 'empty.yml')).message).toBe(
      'The mapping file empty.yml has 1 problem:\n  - empty.yml:1:1: is empty; expected a mapping with a `resources` list',
    );
    expect(problemsOf(() => parsePortAppConfigYaml('- kind: x\n', 'list.yml')).problems[0]?.message).toBe('must be a mapping with a `resources` list, not an array');
  });

  it('accepts a config without resources, with a warning', () => {
    const config = parsePortAppConfigYaml('deleteDependentEntities: true\n', 'inline mapping');
    expect(config.resources).toEqual([]);
    expect(config.warnings).toEqual([{ message: 'The mapping has no `resources`: nothing will be synced', source: { file: 'inline mapping', line: 1, column: 1 } }]);
  });
});

describe('portAppConfigFromObject', () => {
  it('names the origin in problems (no line numbers in Port JSON)', () => {
    const error = problemsOf(() => portAppConfigFromObject({ resources: [{ kind: 'project', port: { entity: { mappings: [] } } }] }, "integration 'ado-prod' in Port"));
    expect(error.message).toBe(
      "The mapping of integration 'ado-prod' in Port has 1 problem:\n  - integration 'ado-prod' in Port: resources[0].port.entity.mappings: is an empty list; give at least one mapping",
    );
  });
});

describe('portAppConfigToObject', () => {
  it('writes the five keys Port stores, a single mapping as an object, and drops unknown keys', () => {
    const config = parsePortAppConfigYaml(
      `specPath: port.yml
resources:
  - kind: repository
    selector:
      query: 'true'
      includedFiles: [README.md]
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"azureDevopsRepository"'
  - kind: file
    port:
      itemsToParse: .file.content.parsed
      entity:
        mappings:
          - identifier: .item.name
            blueprint: '"service"'
`,
      'p.yml',
    );
    expect(portAppConfigToObject(config)).toEqual({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.9,
      resources: [
        {
          kind: 'repository',
          selector: { query: 'true', includedFiles: ['README.md'] },
          port: { entity: { mappings: { identifier: '.id', blueprint: '"azureDevopsRepository"' } } },
        },
        {
          kind: 'file',
          selector: { query: 'true' },
          port: {
            itemsToParse: '.file.content.parsed',
            itemsToParseName: 'item',
            itemsToParseTopLevelTransform: true,
            entity: { mappings: [{ identifier: '.item.name', blueprint: '"service"' }] },
          },
        },
      ],
    });
  });
});

/** Port-app-configs in canonical form (every key written out), so toObject must reproduce them exactly. */
const jqArbitrary = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');
const idArbitrary = fc.string({ minLength: 1, maxLength: 12 });
const { query: searchQueryArbitrary } = fc.letrec<{ query: unknown; rule: unknown }>((tie) => ({
  query: fc.record({ combinator: jqArbitrary, rules: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
  rule: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.record({ property: jqArbitrary, operator: jqArbitrary, value: jqArbitrary }), tie('query')),
}));
const jqOrSearch = fc.oneof(jqArbitrary, searchQueryArbitrary);
const mappingArbitrary = fc.record(
  {
    identifier: jqOrSearch,
    title: jqArbitrary,
    blueprint: jqArbitrary,
    icon: jqArbitrary,
    team: jqOrSearch,
    properties: fc.dictionary(idArbitrary, jqArbitrary, { maxKeys: 4 }),
    relations: fc.dictionary(idArbitrary, jqOrSearch, { maxKeys: 3 }),
  },
  { requiredKeys: ['identifier', 'blueprint'] },
);
const resourceArbitrary = fc.record({
  kind: idArbitrary.filter((s) => s.trim() !== ''),
  selector: fc.tuple(jqArbitrary, fc.dictionary(idArbitrary.filter((k) => k !== 'query'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })).map(([query, extra]) => ({ ...extra, query })),
  port: fc.oneof(
    fc.record({ entity: fc.record({ mappings: fc.oneof(mappingArbitrary, fc.array(mappingArbitrary, { minLength: 1, maxLength: 3 })) }) }),
    fc.record({
      itemsToParse: jqArbitrary,
      itemsToParseName: idArbitrary.filter((s) => s.trim() !== ''),
      itemsToParseTopLevelTransform: fc.boolean(),
      entity: fc.record({ mappings: fc.array(mappingArbitrary, { minLength: 1, maxLength: 2 }) }),
    }),
  ),
});
const configArbitrary = fc.record({
  deleteDependentEntities: fc.boolean(),
  createMissingRelatedEntities: fc.boolean(),
  enableMergeEntity: fc.boolean(),
  entityDeletionThreshold: fc.double({ min: 0, max: 1, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  resources: fc.array(resourceArbitrary, { maxLength: 4 }),
});

describe('round trips (property-based)', () => {
  it('Port JSON → model → Port JSON is the identity on canonical configs', () => {
    fc.assert(
      fc.property(configArbitrary, (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        expect(portAppConfigToObject(portAppConfigFromObject(json, 'generated'))).toEqual(json);
      }),
      { numRuns: 150 },
    );
  });

  it('YAML text → model gives the same model as the same config in JSON', () => {
    // Merge keys are on, as in PyYAML: a plain `<<` key merges, only a quoted one is a name, and
    // `yaml`'s stringify writes it plain. A file that names a property `<<` must quote it.
    const withoutMergeKeys = configArbitrary.filter((value) => !JSON.stringify(value).includes('"<<":'));
    fc.assert(
      fc.property(withoutMergeKeys, (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        const fromYaml = parsePortAppConfigYaml(stringify(json), 'generated.yml');
        expect(plain(fromYaml)).toEqual(plain(portAppConfigFromObject(json, 'generated')));
        expect(portAppConfigToObject(fromYaml)).toEqual(json);
      }),
      { numRuns: 100 },
    );
  });

  it('parse → toObject → parse is stable', () => {
    fc.assert(
      fc.property(configArbitrary, (value) => {
        const once = portAppConfigFromObject(value, 'generated');
        const twice = portAppConfigFromObject(portAppConfigToObject(once), 'generated');
        expect(plain(twice)).toEqual(plain(once));
      }),
      { numRuns: 100 },
    );
  });
});
