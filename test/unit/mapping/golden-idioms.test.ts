import { describe, expect, it } from 'vitest';
import { mapperFromYaml, mappingYaml, propertyMappingYaml, pullRequest, repository, workItem } from './mapping-fixtures';

/**
 * Golden cases: mapping idioms found in Port's documented and default mappings. Each expected
 * value is written out from the jq 1.8 manual's semantics plus Port's rules (first output wins,
 * no output → null, single-quoted literals), never computed by the code under test.
 */

type Golden = { name: string; item: unknown; jq: string; expected: unknown };

const cases: Golden[] = [
  { name: 'a plain path', item: repository, jq: '.name', expected: 'payments-api' },
  { name: 'string concatenation', item: repository, jq: '.project.name + "/" + .name', expected: 'Payments/payments-api' },
  { name: 'string interpolation', item: repository, jq: '"\\(.project.name)-\\(.name)"', expected: 'Payments-payments-api' },
  { name: 'tostring on a number', item: workItem, jq: '.id | tostring', expected: '42' },
  { name: 'a number stays a number', item: repository, jq: '.size', expected: 1024 },
  { name: 'arithmetic', item: repository, jq: '.size / 1024', expected: 1 },
  { name: 'tostring then concatenation', item: workItem, jq: '"P" + (.fields["Microsoft.VSTS.Common.Priority"] | tostring)', expected: 'P2' },
  { name: 'a boolean stays a boolean', item: repository, jq: '.isDisabled', expected: false },
  { name: 'sub with a literal', item: repository, jq: '.defaultBranch | sub("refs/heads/"; "")', expected: 'main' },
  { name: 'gsub replaces every match', item: pullRequest, jq: '.sourceRefName | gsub("/"; "-")', expected: 'refs-heads-feature-retries' },
  { name: 'test with a regex', item: repository, jq: '.name | test("^payments-")', expected: true },
  { name: 'ascii_downcase', item: repository, jq: '.project.name | ascii_downcase', expected: 'payments' },
  { name: 'ascii_upcase', item: repository, jq: '.project.state | ascii_upcase', expected: 'WELLFORMED' },
  { name: '// gives the default for a missing key', item: repository, jq: '.language // "unknown"', expected: 'unknown' },
  { name: '// also replaces false', item: repository, jq: '.isDisabled // "n/a"', expected: 'n/a' },
  { name: '// keeps a present value', item: repository, jq: '.name // "unknown"', expected: 'payments-api' },
  { name: 'if … then … else … end', item: pullRequest, jq: 'if .status == "active" then "open" else "closed" end', expected: 'open' },
  { name: 'if without else (jq 1.7+) keeps the input', item: pullRequest, jq: '.status | if . == "completed" then "merged" end', expected: 'active' },
  { name: 'dotted field name with ."…"', item: workItem, jq: '.fields."System.Title"', expected: 'Fix login timeout' },
  { name: 'dotted field name with ["…"]', item: workItem, jq: '.fields["System.State"]', expected: 'Active' },
  { name: 'dotted field after a pipe', item: workItem, jq: '.fields | ."System.WorkItemType"', expected: 'Bug' },
  { name: 'nested object under a dotted key', item: workItem, jq: '.fields["System.AssignedTo"].uniqueName', expected: 'ada@contoso.com' },
  { name: 'map', item: pullRequest, jq: '.reviewers | map(.uniqueName)', expected: ['ana@contoso.com', 'bo@contoso.com'] },
  { name: 'select inside a collect', item: pullRequest, jq: '[.reviewers[] | select(.vote > 0) | .uniqueName]', expected: ['ana@contoso.com'] },
  { name: 'map then join', item: pullRequest, jq: '.labels | map(.name) | join(",")', expected: 'infra,ready' },
  { name: '(x // []) | join on a missing list', item: pullRequest, jq: '.tags // [] | join(",")', expected: '' },
  { name: 'split', item: workItem, jq: '.fields["System.Tags"] | split("; ")', expected: ['backend', 'urgent'] },
  { name: 'splits collected', item: workItem, jq: '[.fields["System.Tags"] | splits("; *")]', expected: ['backend', 'urgent'] },
  { name: 'split then index', item: workItem, jq: '.fields["System.AssignedTo"].uniqueName | split("@")[0]', expected: 'ada' },
  {
    name: 'to_entries / select / from_entries',
    item: workItem,
    jq: '.fields | to_entries | map(select(.key | startswith("Microsoft."))) | from_entries',
    expected: { 'Microsoft.VSTS.Common.Priority': 2 },
  },
  { name: 'keys are sorted', item: repository, jq: '.project | keys', expected: ['id', 'name', 'state'] },
  { name: 'has', item: workItem, jq: '.fields | has("System.Title")', expected: true },
  { name: 'any with a condition', item: pullRequest, jq: '.labels | any(.name == "ready")', expected: true },
  { name: 'IN', item: workItem, jq: '.fields["System.State"] | IN("Active", "New")', expected: true },
  { name: 'length of a list', item: pullRequest, jq: '.reviewers | length', expected: 2 },
  { name: 'a missing path is null', item: repository, jq: '.nothing.here', expected: null },
  { name: 'a missing array element is null', item: pullRequest, jq: '.reviewers[5].uniqueName', expected: null },
  { name: 'first as .[0]', item: pullRequest, jq: '.reviewers | first | .uniqueName', expected: 'ana@contoso.com' },
  { name: 'first(f)', item: pullRequest, jq: 'first(.reviewers[] | select(.vote == 0) | .uniqueName)', expected: 'bo@contoso.com' },
  { name: 'several outputs: the first one wins', item: pullRequest, jq: '.reviewers[] | .uniqueName', expected: 'ana@contoso.com' },
  { name: 'a comma: the first one wins', item: repository, jq: '.name, .id', expected: 'payments-api' },
  { name: 'empty is null', item: repository, jq: 'empty', expected: null },
  { name: 'select that rejects is null', item: repository, jq: 'select(.isDisabled) | .name', expected: null },
  { name: 'ltrimstr', item: repository, jq: '.defaultBranch | ltrimstr("refs/heads/")', expected: 'main' },
  { name: 'rtrimstr', item: repository, jq: '.url | rtrimstr("/") | split("/") | last', expected: '5febef5a-833d-4e14-b9c0-14cb638f91e6' },
  { name: '@base64d', item: pullRequest, jq: '.encoded | @base64d', expected: 'hello world' },
  { name: '@base64', item: repository, jq: '.name | @base64', expected: 'cGF5bWVudHMtYXBp' },
  { name: '@uri', item: { path: 'a b/c' }, jq: '.path | @uri', expected: 'a%20b%2Fc' },
  { name: 'recursive descent ..', item: pullRequest, jq: '[.. | .uniqueName? // empty] | sort', expected: ['ana@contoso.com', 'bo@contoso.com'] },
  { name: 'capture with a named group', item: repository, jq: '.webUrl | capture("dev.azure.com/(?<org>[^/]+)/") | .org', expected: 'contoso' },
  { name: 'tojson keeps key order', item: repository, jq: '.project | tojson', expected: '{"id":"6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c","name":"Payments","state":"wellFormed"}' },
  { name: 'an object literal', item: repository, jq: '{name, branch: (.defaultBranch | ltrimstr("refs/heads/"))}', expected: { name: 'payments-api', branch: 'main' } },
  { name: 'pick (jq 1.7.1+)', item: repository, jq: 'pick(.project.name)', expected: { project: { name: 'Payments' } } },
  { name: 'trim (jq 1.7.1+)', item: { raw: '  padded \n' }, jq: '.raw | trim', expected: 'padded' },
  { name: 'a null item field through tostring is the string "null"', item: repository, jq: '.missing | tostring', expected: 'null' },
  {
    name: 'the fractional-seconds date idiom',
    item: workItem,
    jq: '.fields["System.CreatedDate"] | sub("\\\\.[0-9]+Z$"; "Z") | fromdate',
    expected: 1714566896,
  },
  {
    name: 'the date idiom back to a second-precision ISO date',
    item: workItem,
    jq: '.fields["System.CreatedDate"] | sub("\\\\.[0-9]+Z$"; "Z") | fromdate | todate',
    expected: '2024-05-01T12:34:56Z',
  },
  { name: 'the slice form of the date idiom', item: workItem, jq: '.fields["System.CreatedDate"][0:19] + "Z" | fromdate', expected: 1714566896 },
  { name: 'now | todate has the ISO shape', item: {}, jq: 'now | todate | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")', expected: true },
  { name: 'a jq single-quoted literal (Port rewrite)', item: {}, jq: "'azureDevopsRepository'", expected: 'azureDevopsRepository' },
  { name: 'single-quoted literal inside a concatenation', item: repository, jq: ".name + '-svc'", expected: 'payments-api-svc' },
  { name: 'env is disabled', item: {}, jq: 'env', expected: {} },
  { name: '$ENV is disabled', item: {}, jq: '$ENV', expected: {} },
  { name: 'an environment variable reads as null', item: {}, jq: '$ENV.PATH', expected: null },
];

describe('golden jq idioms (one property each)', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name: $jq', async ({ item, jq, expected }) => {
    const mapper = await mapperFromYaml(propertyMappingYaml(jq));
    const result = mapper.mapBatch([item]);
    expect(result.fieldErrors).toEqual([]);
    expect(result.entities).toHaveLength(1);
    expect(result.entities[0]?.properties).toEqual({ v: expected });
  });

  it('fromdate on a fractional-seconds date is a runtime error: null, reported with jq message', async () => {
    const mapper = await mapperFromYaml(propertyMappingYaml('.fields["System.CreatedDate"] | fromdate'));
    const result = mapper.mapBatch([workItem]);
    expect(result.entities[0]?.properties).toEqual({ v: null });
    expect(result.fieldErrors).toEqual([
      expect.objectContaining({
        field: 'port.entity.mappings.properties.v',
        jq: '.fields["System.CreatedDate"] | fromdate',
        message: 'date "2024-05-01T12:34:56.789Z" does not match format "%Y-%m-%dT%H:%M:%SZ"',
        count: 1,
      }),
    ]);
  });
});

describe('YAML quoting idioms from Port mappings', () => {
  it("reads '\"azureDevopsRepository\"' as a jq string literal and 'true' as the selector", async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"azureDevopsRepository"'
          properties:
            url: .webUrl
            kind: "'repository'"
`);
    const result = mapper.mapBatch([repository]);
    expect(result.entities).toEqual([
      {
        identifier: '5febef5a-833d-4e14-b9c0-14cb638f91e6',
        title: 'payments-api',
        blueprint: 'azureDevopsRepository',
        properties: { url: 'https://dev.azure.com/contoso/Payments/_git/payments-api', kind: 'repository' },
      },
    ]);
  });

  it('accepts an unquoted YAML boolean or number as the jq literal it spells', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    selector:
      query: true
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"b"'
          properties:
            answer: 42
            flag: false
`);
    expect(mapper.mapBatch([repository]).entities[0]?.properties).toEqual({ answer: 42, flag: false });
  });

  it('a block scalar with a comment and several lines is one expression', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: work-item
    port:
      entity:
        mappings:
          identifier: .id | tostring
          blueprint: '"workItem"'
          properties:
            state: |
              .fields["System.State"]
              | ascii_downcase # Port enum values are lower case
`);
    expect(mapper.mapBatch([workItem]).entities[0]?.properties).toEqual({ state: 'active' });
  });
});

describe('search queries, itemsToParse and list mappings', () => {
  it('takes a search query built by one jq expression as the identifier, as Ocean sends whatever the identifier evaluates to', async () => {
    const withIdentifier = (identifier: string) => mappingYaml({ identifier, blueprint: '"azureDevopsPullRequest"', properties: { title: '.title' } });
    const mapper = await mapperFromYaml(withIdentifier('{combinator: "and", rules: [{property: "prId", operator: "=", value: (.pullRequestId | tostring)}]}'));
    const result = mapper.mapBatch([pullRequest]);
    expect(result.fieldErrors).toEqual([]);
    expect(result.entities.map((e) => e.identifier)).toEqual([{ combinator: 'and', rules: [{ property: 'prId', operator: '=', value: '7' }] }]);
    // Any other object is still refused.
    const other = await mapperFromYaml(withIdentifier('{id: .pullRequestId}'));
    expect(other.mapBatch([pullRequest]).entities).toEqual([]);
  });

  it('evaluates every leaf of a search-query identifier and relation into the literal query', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: pull-request
    port:
      entity:
        mappings:
          identifier:
            combinator: '"and"'
            rules:
              - property: '"prId"'
                operator: '"="'
                value: .pullRequestId | tostring
          blueprint: '"azureDevopsPullRequest"'
          team:
            combinator: '"or"'
            rules:
              - property: '"$identifier"'
                operator: '"in"'
                value: '[.labels[].name]'
          relations:
            reviewers:
              combinator: '"and"'
              rules:
                - property: '"email"'
                  operator: '"in"'
                  value: '[.reviewers[].uniqueName]'
                - combinator: '"or"'
                  rules:
                    - property: '"$blueprint"'
                      operator: '"="'
                      value: '"azureDevopsUser"'
            creator: .createdBy.uniqueName
`);
    expect(mapper.mapBatch([pullRequest]).entities).toEqual([
      {
        identifier: { combinator: 'and', rules: [{ property: 'prId', operator: '=', value: '7' }] },
        blueprint: 'azureDevopsPullRequest',
        team: { combinator: 'or', rules: [{ property: '$identifier', operator: 'in', value: ['infra', 'ready'] }] },
        relations: {
          reviewers: {
            combinator: 'and',
            rules: [
              { property: 'email', operator: 'in', value: ['ana@contoso.com', 'bo@contoso.com'] },
              { combinator: 'or', rules: [{ property: '$blueprint', operator: '=', value: 'azureDevopsUser' }] },
            ],
          },
          creator: null,
        },
      },
    ]);
  });

  const fileItem = {
    file: { path: '/services.json', content: { parsed: { services: [{ name: 'billing' }, { name: 'ledger' }] } } },
    repo: { name: 'platform' },
  };

  it('itemsToParse with the top-level transform removes the array from the parent', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: file
    selector:
      query: .item.name != "ledger"
    port:
      itemsToParse: .file.content.parsed.services
      entity:
        mappings:
          identifier: .repo.name + "/" + .item.name
          blueprint: '"service"'
          properties:
            source: .file.path
            stillThere: .file.content.parsed.services
`);
    const result = mapper.mapBatch([fileItem]);
    expect(result.filteredOut).toBe(1);
    expect(result.entities).toEqual([{ identifier: 'platform/billing', blueprint: 'service', properties: { source: '/services.json', stillThere: null } }]);
  });

  it('itemsToParse without the transform keeps the array, under a custom name', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: file
    port:
      itemsToParse: .file.content.parsed.services
      itemsToParseName: service
      itemsToParseTopLevelTransform: false
      entity:
        mappings:
          identifier: .service.name
          blueprint: '"service"'
          properties:
            siblings: .file.content.parsed.services | length
`);
    const result = mapper.mapBatch([fileItem]);
    expect(result.entities).toEqual([
      { identifier: 'billing', blueprint: 'service', properties: { siblings: 2 } },
      { identifier: 'ledger', blueprint: 'service', properties: { siblings: 2 } },
    ]);
  });

  it('itemsToParse that is not an array skips the raw item with a warning, not an error', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: file
    port:
      itemsToParse: .file.content.parsed
      entity:
        mappings:
          identifier: .item.name
          blueprint: '"service"'
`);
    const result = mapper.mapBatch([fileItem]);
    expect(result.entities).toEqual([]);
    expect(result.itemsToParseSkipped).toBe(1);
    expect(result.hasErrors).toBe(false);
    expect(result.fieldErrors).toEqual([expect.objectContaining({ field: 'port.itemsToParse', message: 'returned an object, expected an array; the item was skipped' })]);
  });

  it('a list of mappings yields one entity per mapping', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: repository
    port:
      entity:
        mappings:
          - identifier: .id
            blueprint: '"azureDevopsRepository"'
            title: .name
          - identifier: .project.id
            blueprint: '"azureDevopsProject"'
            title: .project.name
`);
    expect(mapper.mapBatch([repository]).entities).toEqual([
      { identifier: repository.id, blueprint: 'azureDevopsRepository', title: 'payments-api' },
      { identifier: repository.project.id, blueprint: 'azureDevopsProject', title: 'Payments' },
    ]);
  });

  it('a numeric identifier becomes a string; a dynamic blueprint is per item', async () => {
    const mapper = await mapperFromYaml(`
resources:
  - kind: work-item
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: 'if .fields["System.WorkItemType"] == "Bug" then "bug" else "workItem" end'
`);
    const task = { ...workItem, id: 43, fields: { ...workItem.fields, 'System.WorkItemType': 'Task' } };
    expect(mapper.mapBatch([workItem, task]).entities).toEqual([
      { identifier: '42', blueprint: 'bug' },
      { identifier: '43', blueprint: 'workItem' },
    ]);
  });
});
