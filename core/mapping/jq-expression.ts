/**
 * Text-level treatment of the jq expressions users write in a port-app-config, shared by the
 * engine, the compile check and the mapping program builder.
 */

/**
 * Port's single-quote rewrite: a `'` that opens or closes a string becomes `"`, so `'abc'` works
 * as a string literal although real jq has no single-quoted strings. Ocean applies exactly this
 * regex before every evaluation (port-api-and-ocean-core.md §3.4), and Port's UI does the same, so
 * mappings written for Port keep their meaning here.
 */
const SINGLE_QUOTE = /(^|\s)'(?!\s|")|(?<!\s|")'(\s|$)/g;

export function rewriteSingleQuotes(expression: string): string {
  return expression.replace(SINGLE_QUOTE, '$1"$2');
}

/**
 * Prepended to every program: `env` and `$ENV` see an empty object, so a mapping can never copy
 * the runner's environment (PATs, Port secrets) into entities sent to Port. Port's own jq binding
 * does the same (packaging-and-conventions.md Part C2).
 */
export const ENV_DISABLED_PRELUDE = 'def env: {}; {} as $ENV | ';

/**
 * Builtins jq 1.8 removed that jq 1.7 (Ocean's, through the Python \`jq\` package) still has, with
 * jq 1.7's own definitions: a mapping brought from Ocean that uses them keeps working.
 */
export const JQ17_BUILTINS_PRELUDE =
  'def leaf_paths: paths(scalars); def recurse_down: recurse; def pow10: exp10; def date: todate; def dateadd(u; n): .+n; def datesub(u; n): .-n; ';

/** A short description of a JSON value for messages: `a string ("abc")`, `an array`, `null`. */
export function describeJsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** `['resources', 2, 'port', 'entity']` → `resources[2].port.entity`; odd keys are quoted. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** One line of jq text for messages; long expressions are cut. */
export function quoteJq(expression: string): string {
  const oneLine = expression.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
