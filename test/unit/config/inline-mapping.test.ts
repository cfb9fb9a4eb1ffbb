import { describe, expect, it } from 'vitest';
import { parseConfigFile, resolveConfig } from '../../../core/config';
import { MappingConfigError, parsePortAppConfigYaml, type PortAppConfig } from '../../../core/mapping/app-config';
import { prepareMapping, type PreparedMapping } from '../../../core/sync/prepare-mapping';
import { testEngine } from '../mapping/mapping-fixtures';
import { REQUIRED_FILE_LINES } from './fixtures';

const NAME = 'port-ado-sync.yml';

/** Config file lines 1-7; the mapping starts on line 8. */
const HEAD = [...REQUIRED_FILE_LINES, 'mapping:'];

/** A one-resource mapping; as an inline map under `mapping:` its lines are 9 (`resources:`) to 20. */
const MAPPING = [
  'resources:', //                                       9
  '  - kind: repository', //                            10
  '    selector:', //                                   11
  "      query: 'true'", //                             12
  '      bogus: 1', //                                  13
  '    port:', //                                       14
  '      entity:', //                                   15
  '        mappings:', //                               16
  '          identifier: .id', //                       17
  '          blueprint: \'"azureDevopsRepository"\'', // 18
  '          properties:', //                           19
  '            size: .size | nosuchfunction', //        20
];

const indented = (lines: string[], by: number) => lines.map((line) => ' '.repeat(by) + line);

function configOf(lines: string[], head = HEAD) {
  const layer = parseConfigFile([...head, ...lines, ''].join('\n'), { env: { PORT_CLIENT_SECRET: 'secret-1', ADO_PAT: 'pat-1' }, displayPath: NAME, baseDir: '/work/repo' });
  return resolveConfig([layer]).config;
}

async function prepared(lines: string[]): Promise<PreparedMapping> {
  return prepareMapping(configOf(lines), undefined, await testEngine());
}

async function failure(lines: string[]): Promise<MappingConfigError> {
  const error: unknown = await prepared(lines).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof MappingConfigError) return error;
  throw new Error(`expected a MappingConfigError, got ${String(error)}`);
}

/** The model without functions, for equality checks. */
const plain = (config: PortAppConfig) => config.resources.map(({ lineOf: _lineOf, source: _source, ...rest }) => rest);

const GOOD = MAPPING.map((line) => line.replace('.size | nosuchfunction', '.size'));

describe('inline mapping in the config file: problems point at the config file', () => {
  it('reports a bad jq expression and an unknown selector key of a map-form inline mapping at their config-file lines', async () => {
    const error = await failure(['  inline:', ...indented(MAPPING, 4)]);
    expect(error.message).toContain(`\n  - ${NAME}:20:23: resources[0].port.entity.mappings.properties.size: jq \`.size | nosuchfunction\` does not compile`);
    expect(error.warnings).toEqual([{ message: "resources[0] (repository): selector key 'bogus' is not used by this kind and is ignored", source: { file: NAME, line: 13 } }]);
  });

  it('reports a bad jq expression of an `inline: |` block at its config-file line and column', async () => {
    const error = await failure(['  inline: |', ...indented(MAPPING, 4)]);
    expect(error.problems.map((p) => [p.source, p.path])).toEqual([[{ file: NAME, line: 20, column: 23 }, 'resources[0].port.entity.mappings.properties.size']]);
  });

  it('does the same for the explicit form { source: inline, yaml: | }', async () => {
    const error = await failure(['  source: inline', '  yaml: |', ...indented(MAPPING, 4)]);
    // The mapping starts one line further down.
    expect(error.problems.map((p) => p.source)).toEqual([{ file: NAME, line: 21, column: 23 }]);
  });

  it('reports a value of the wrong type and an unknown key at their config-file lines', async () => {
    const wrong = ['  inline:', '    deleteDependentEntities: true', '    resources: 3', '    mapings: {}'];
    const error = await failure(wrong);
    expect(error.problems).toEqual([{ message: 'must be a list of resources, not a number (3)', source: { file: NAME, line: 10, column: 16 }, path: 'resources' }]);
    expect(error.warnings).toEqual([{ message: 'mapings is not a port-app-config key and is ignored', source: { file: NAME, line: 11, column: 14 } }]);
    const quoted = await failure(['  inline: "resources: 3"']);
    expect(quoted.problems.map((p) => p.source)).toEqual([{ file: NAME, line: 8, column: 23 }]);
  });

  it('reads the same resources as before, whatever the form, each located in the config file', async () => {
    const before = plain(parsePortAppConfigYaml(GOOD.join('\n'), 'port-app-config.yml'));
    const forms = [
      ['  inline:', ...indented(GOOD, 4)],
      ['  inline: |', ...indented(GOOD, 4), '    # a comment in the block', ''],
      ['  inline: |-', ...indented(GOOD, 6)],
      ['  inline: { resources: [{ kind: repository, selector: { query: "true", bogus: 1 }, port: { entity: { mappings: { identifier: .id, blueprint: "\\"azureDevopsRepository\\"", properties: { size: .size } } } } }] }'],
    ];
    for (const form of forms) {
      const mapping = await prepared(form);
      expect(plain(mapping.config)).toEqual(before);
      expect(mapping.origin).toBe(`inline mapping in ${NAME}`);
      expect(mapping.config.resources[0]?.lineOf(['kind'])).toMatchObject({ file: NAME, line: form.length === 1 ? 8 : 10 });
    }
  });

  it('names the config file and key when the lines cannot be kept (folded text, an anchor outside the mapping)', async () => {
    const folded = await failure(['  inline: >', ...indented(MAPPING, 4)]);
    // Lines then count from the text's first line.
    expect(folded.problems.map((p) => p.source)).toEqual([{ file: `${NAME} (mapping.inline)`, line: 12, column: 19 }]);
    // An alias to an anchor elsewhere in the file: the mapping is read through the alias.
    const head = ['integration:', '  identifier: &kind repository', ...HEAD];
    const aliased = configOf(['  inline:', ...indented(GOOD, 4).map((line) => line.replace('kind: repository', 'kind: *kind'))], head);
    expect(aliased.mapping).toMatchObject({ source: 'inline', origin: `${NAME} (mapping.inline)` });
    const mapping = await prepareMapping(aliased, undefined, await testEngine());
    expect(plain(mapping.config)).toEqual(plain(parsePortAppConfigYaml(GOOD.join('\n'), 'port-app-config.yml')));
  });

  it('still calls a mapping given as text elsewhere (an input, a variable) the inline mapping', async () => {
    const config = configOf(['  inline:', ...indented(GOOD, 4)]);
    const fromInput = await prepareMapping({ ...config, mapping: { source: 'inline', yaml: MAPPING.join('\n') } }, undefined, await testEngine()).catch((error: unknown) => error);
    expect(fromInput).toBeInstanceOf(MappingConfigError);
    expect((fromInput as MappingConfigError).problems.map((p) => p.source)).toEqual([{ file: 'inline mapping', line: 12, column: 19 }]);
    expect(configOf(['  inline:', ...indented(GOOD, 4)]).mapping).toMatchObject({ origin: NAME });
  });
});
