import { describe, expect, it } from 'vitest';
import { EXAMPLE_STRING_MAX, EXAMPLES_BODY_MAX_BYTES, fitExamples, trimExample } from '../../core/port/raw-examples';

describe('raw examples sized for Port', () => {
  it('cuts long strings at any depth, says how much was cut, and leaves the rest as it was', () => {
    const long = 'y'.repeat(300_000);
    const item = { file: { path: 'a.json', size: 300_000, content: { raw: long, parsed: null } }, tags: ['short', long], n: 1, ok: true, none: null };
    const trimmed = trimExample(item) as typeof item;
    expect(trimmed.file.content.raw).toBe(`${'y'.repeat(EXAMPLE_STRING_MAX)}… [truncated: ${300_000 - EXAMPLE_STRING_MAX} more characters]`);
    expect(trimmed.tags).toEqual(['short', trimmed.file.content.raw]);
    expect({ ...trimmed, file: { ...trimmed.file, content: { ...trimmed.file.content, raw: long } }, tags: ['short', long] }).toEqual(item);
    expect(trimExample('x'.repeat(EXAMPLE_STRING_MAX))).toBe('x'.repeat(EXAMPLE_STRING_MAX));
    // The original is not changed.
    expect(item.file.content.raw).toHaveLength(300_000);
  });

  it('never cuts a character outside the basic plane in two', () => {
    const text = `${'a'.repeat(9)}😀😀`;
    expect(trimExample(text, 10)).toBe(`${'a'.repeat(9)}… [truncated: 4 more characters]`);
  });

  it('keeps the body under the limit by dropping the last examples, measured in UTF-8 bytes', () => {
    const big = { text: 'é'.repeat(100_000) }; // 200,000 bytes in UTF-8
    const fit = fitExamples([big, big, big, big, big], 700_000);
    expect(fit.examples).toHaveLength(3);
    expect(fit.dropped).toBe(2);
    expect(fit.bytes).toBe(Buffer.byteLength(JSON.stringify({ examples: fit.examples })));
    expect(fitExamples([{ a: 1 }, 'b']).bytes).toBe(Buffer.byteLength(JSON.stringify({ examples: [{ a: 1 }, 'b'] })));
    expect(fitExamples([big], 1000)).toMatchObject({ examples: [], dropped: 1 });
  });

  it('five items carrying 300 KB files fit in one request once trimmed', () => {
    const file = { file: { path: 'a.json', content: { raw: 'y'.repeat(300_000), parsed: null } } };
    const fit = fitExamples(Array.from({ length: 5 }, () => trimExample(file)));
    expect(fit.dropped).toBe(0);
    expect(fit.bytes).toBeLessThan(EXAMPLES_BODY_MAX_BYTES);
  });
});
