import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBooleanText, parseIntegerText, parseListText, unexpandedPipelineMacro } from '../../../core/config/text-values';
import { matching } from './fixtures';

const TRUE_WORDS = ['1', 'on', 't', 'true', 'y', 'yes'];
const FALSE_WORDS = ['0', 'off', 'f', 'false', 'n', 'no'];

/** Any mix of upper and lower case of a word, padded with spaces or tabs. */
const spelled = (words: string[]) =>
  fc
    .tuple(fc.constantFrom(...words), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.constantFrom('', ' ', '\t', '  '), fc.constantFrom('', ' ', '\n'))
    .map(([word, upper, before, after]) => before + [...word].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('') + after);

describe('parseBooleanText (pydantic v1 vocabulary, as Ocean reads its variables)', () => {
  it('reads every spelling of the true words as true', () => {
    fc.assert(fc.property(spelled(TRUE_WORDS), (text) => {
      expect(parseBooleanText(text)).toEqual({ ok: true, value: true });
    }));
  });

  it('reads every spelling of the false words as false', () => {
    fc.assert(fc.property(spelled(FALSE_WORDS), (text) => {
      expect(parseBooleanText(text)).toEqual({ ok: true, value: false });
    }));
  });

  it('rejects anything else, without quoting it', () => {
    const known = new Set([...TRUE_WORDS, ...FALSE_WORDS]);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((text) => !known.has(text.trim().toLowerCase())),
        (text) => {
          const result = parseBooleanText(text);
          expect(result.ok).toBe(false);
          if (!result.ok && text.trim().length > 3) expect(result.message).not.toContain(text.trim());
        },
      ),
    );
  });

  it.each(['maybe', 'enabled', '2', '', 'truee', 'null'])('rejects %j', (text) => {
    expect(parseBooleanText(text)).toEqual({ ok: false, message: matching(/true or false/) });
  });
});

describe('parseListText', () => {
  const item = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[,\r\n]/.test(s) && s.trim().length > 0 && !s.trim().startsWith('['));

  it('reads a comma-separated list, trimming items and dropping empty ones', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ', ', ' , ', ',,'), (items, separator) => {
        const parsed = parseListText(items.join(separator));
        expect(parsed).toEqual({ ok: true, value: items.map((i) => i.trim()) });
      }),
    );
  });

  it('reads a JSON array of strings (what Ocean expects for array settings) to the same items', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0), { maxLength: 6 }), (items) => {
        expect(parseListText(JSON.stringify(items))).toEqual({ ok: true, value: items.map((i) => i.trim()) });
      }),
    );
  });

  it('reads one item per line too (a YAML | block), with LF or CRLF, mixed with commas', () => {
    expect(parseListText('project\nrepository\n')).toEqual({ ok: true, value: ['project', 'repository'] });
    expect(parseListText('project\r\nrepository, pull-request\r\n')).toEqual({ ok: true, value: ['project', 'repository', 'pull-request'] });
  });

  it('an item may contain a comma only in the JSON form', () => {
    expect(parseListText('["a,b","c"]')).toEqual({ ok: true, value: ['a,b', 'c'] });
    expect(parseListText('a,b,c')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
  });

  it('treats blank text as the empty list', () => {
    expect(parseListText('  ')).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['[a, b]', /not a valid JSON array/],
    ['[1, 2]', /JSON array of strings/],
    ['[{"a":1}]', /JSON array of strings/],
  ])('rejects %s', (text, message) => {
    const result = parseListText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('parseIntegerText', () => {
  it('reads every safe integer back from its decimal text', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => {
      expect(parseIntegerText(` ${n} `)).toEqual({ ok: true, value: n });
    }));
  });

  it.each(['1.5', '60m', '', 'sixty', '1e3', '99999999999999999999'])('rejects %j', (text) => {
    expect(parseIntegerText(text).ok).toBe(false);
  });
});

describe('unexpandedPipelineMacro', () => {
  it('recognizes the text Azure Pipelines leaves for an undefined variable', () => {
    expect(unexpandedPipelineMacro('$(OCEAN__PORT__CLIENT_SECRET)')).toBe('OCEAN__PORT__CLIENT_SECRET');
    expect(unexpandedPipelineMacro(' $(System.AccessToken) ')).toBe('System.AccessToken');
  });

  it('does not fire on values that merely contain a dollar sign', () => {
    expect(unexpandedPipelineMacro('pa$(word)x')).toBeUndefined();
    expect(unexpandedPipelineMacro('$HOME')).toBeUndefined();
  });
});
