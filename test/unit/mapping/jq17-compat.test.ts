import { describe, expect, it } from 'vitest';
import { wellFormedJson } from '../../../core/mapping/batch-evaluator';
import { mapperFromYaml, propertyMappingYaml, repository } from './mapping-fixtures';

describe('mappings written for jq 1.7 (Ocean)', () => {
  it.each([
    { jq: '{a: {b: 1, c: [2]}} | [leaf_paths]', expected: [['a', 'b'], ['a', 'c', 0]] },
    { jq: '[{a: [1]} | recurse_down] | length', expected: 3 },
    { jq: '2 | pow10', expected: 100 },
    { jq: '0 | date', expected: '1970-01-01T00:00:00Z' },
    { jq: '10 | dateadd("seconds"; 5)', expected: 15 },
    { jq: '10 | datesub("seconds"; 3)', expected: 7 },
  ])('keeps the builtins jq 1.8 removed: $jq', async ({ jq, expected }) => {
    const mapper = await mapperFromYaml(propertyMappingYaml(jq));
    const result = mapper.mapBatch([repository]);
    expect(result.fieldErrors).toEqual([]);
    expect(result.entities[0]?.properties).toEqual({ v: expected });
  });

  it('takes an expression whose comment ends in a backslash (a Windows path in a note)', async () => {
    const mapper = await mapperFromYaml(propertyMappingYaml('.name | ascii_downcase # e.g. Proj\\Area\\'));
    const result = mapper.mapBatch([repository]);
    expect(result.fieldErrors).toEqual([]);
    expect(result.entities[0]?.properties).toEqual({ v: repository.name.toLowerCase() });
  });

  it('still reports a compile error at the expression’s own line and column', async () => {
    await expect(mapperFromYaml(propertyMappingYaml('.name | nosuchbuiltin'))).rejects.toThrow(/nosuchbuiltin\/0 is not defined \(line 1, column 9 of the expression\)/);
  });
});

describe('text jq cannot read', () => {
  it('a lone surrogate becomes U+FFFD instead of losing the item; a pair and an escaped backslash stay', () => {
    expect(wellFormedJson(JSON.stringify({ t: 'cut \ud83d' }))).toBe('{"t":"cut \\ufffd"}');
    expect(wellFormedJson(JSON.stringify({ t: 'low \udc00 end' }))).toBe('{"t":"low \\ufffd end"}');
    expect(wellFormedJson(JSON.stringify({ t: 'pair 😀' }))).toBe('{"t":"pair 😀"}');
    expect(wellFormedJson('{"t":"\\ud83d\\ude00"}')).toBe('{"t":"\\ud83d\\ude00"}');
    expect(wellFormedJson('{"t":"C:\\\\ud83d"}')).toBe('{"t":"C:\\\\ud83d"}');
  });

  it('maps an item whose title was cut in the middle of an emoji through jq', async () => {
    const mapper = await mapperFromYaml(propertyMappingYaml('.name | tojson | fromjson'));
    const result = mapper.mapBatch([{ ...repository, name: 'release 🚀 notes \ud83d' }]);
    expect(result.fieldErrors).toEqual([]);
    expect(result.entities[0]?.properties).toEqual({ v: 'release 🚀 notes \ufffd' });
  });
});
