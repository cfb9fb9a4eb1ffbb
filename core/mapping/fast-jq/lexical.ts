import type { Token } from '../jq-syntax/tokens';

/** A string literal with the simple escapes only. */
const SIMPLE_STRING = /^"(?:[^"\\]|\\["\\/bfnrt])*"$/;
const SPACE = /^[ \t\n\r]*$/;

/**
 * What the subset accepts of jq's lexical syntax, beyond what its syntax tree shows: no comments,
 * and string literals without `\uXXXX` escapes (jq's surrogate-pair rules are its own). Neither
 * is needed by mappings, and the differential test (fast-jq.test.ts) covers neither, so both stay
 * jq's.
 */
export function lexicallyInSubset(source: string, tokens: readonly Token[]): boolean {
  let from = 0;
  for (const token of tokens) {
    // Between tokens there is only whitespace, or a comment.
    if (!SPACE.test(source.slice(from, token.at))) return false;
    if (token.t === 'string' && !SIMPLE_STRING.test(source.slice(token.at, token.end))) return false;
    from = token.end;
  }
  return SPACE.test(source.slice(from));
}
