/**
 * Turning the strings that environment variables, CLI flags and pipeline inputs carry into typed
 * values. Each parser returns a result instead of throwing, so a layer can collect every problem
 * and the message can name where the text came from (the parser does not know).
 *
 * Messages never quote the text: it may be a secret in the wrong variable.
 */

export type TextParse<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): TextParse<T> => ({ ok: true, value });
const fail = (message: string): TextParse<never> => ({ ok: false, message });

// Ocean reads its settings with pydantic v1, whose bool validator lowercases the text and accepts
// exactly these words (pydantic/validators.py BOOL_TRUE / BOOL_FALSE). Variable groups written for
// the docker step therefore use any of them; we accept the same set and nothing else.
const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export function parseBooleanText(text: string): TextParse<boolean> {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return fail('must be true or false (also accepted: yes/no, on/off, 1/0, t/f, y/n)');
}

/**
 * A list given as text: a JSON array of strings (what Ocean's dynamic config expects for `array`
 * settings, `ocean-azure-devops.md` §3), or a list separated by commas or line breaks (one item
 * per line is the habit in a YAML `|` block). Items are trimmed; empty items are dropped.
 */
export function parseListText(text: string): TextParse<string[]> {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return fail('starts with [ but is not a valid JSON array; use ["a","b"] or a,b');
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      return fail('must be a JSON array of strings, e.g. ["a","b"], or a comma-separated list');
    }
    return ok(parsed.map((item) => item.trim()).filter((item) => item.length > 0));
  }
  return ok(
    trimmed
      .split(/,|\r?\n/)
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
}

export function parseIntegerText(text: string): TextParse<number> {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return fail('must be a whole number');
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return fail('is too large');
  return ok(value);
}

/**
 * Azure Pipelines leaves `$(NAME)` untouched when NAME is not defined, so a step that maps
 * `OCEAN__X: $(OCEAN__X)` from a variable group that lacks the variable receives the macro text
 * itself. Treating that as a value produces baffling errors far away; we name it instead.
 */
export function unexpandedPipelineMacro(text: string): string | undefined {
  return /^\$\(([\w.-]+)\)$/.exec(text.trim())?.[1];
}

/** What to say about such a text; `remedy` says how to fix it where the text came from (a variable, an input). */
export function unexpandedPipelineMacroMessage(macro: string, remedy: string): string {
  return `is the literal text $(${macro}): the pipeline variable ${macro} is not defined (missing from the variable group?). ${remedy}`;
}
