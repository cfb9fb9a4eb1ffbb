/**
 * The inputs that carry secrets, and their masking before anything can print them.
 *
 * azure-pipelines-task-lib's getInput writes every value it returns as a debug line
 * (`##vso[task.debug]webhookSecret=…`), which the job log shows with System.Debug=true. The agent
 * masks secret variables on its own, but not a value typed into an input or taken from a plain
 * variable. So the entry point registers these values with the agent (`task.setsecret`) first:
 * from the raw INPUT_<NAME> environment variables the agent sets, before the task library is
 * loaded, because loading it moves them into its vault and deletes them from the environment.
 *
 * This module must not import the task library (directly or through another module): it runs
 * before it is loaded.
 */
import { looksLikeSecretHeader, TEXT_KEYS } from '../../core/config/settings';
import { unexpandedPipelineMacro } from '../../core/config/text-values';

/** Inputs whose whole value is a secret. */
export const SECRET_INPUTS = ['portClientSecret', 'personalAccessToken', 'webhookSecret'] as const;
/** The input whose values are secret when the header name suggests a credential (`X-Api-Key`, `Authorization`). */
export const HEADERS_INPUT = 'webhookHeaders';

/** The environment variable the agent passes an input in: task-lib's naming (`.` and spaces to `_`, upper case). */
export const inputVariableName = (name: string): string => `INPUT_${name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase()}`;

/**
 * The headers of a `webhookHeaders` text as name and value, in the engine's own parsing. A text the
 * engine refuses (a line without a colon) is read line by line, so the good lines still count.
 */
export function headerEntries(text: string): [name: string, value: string][] {
  const parse = (part: string): [string, string][] => {
    const parsed = TEXT_KEYS['webhooks.headers'].parse(part);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return [];
    return Object.entries(parsed.value as Record<string, { value?: unknown }>).flatMap(([name, header]) => (typeof header.value === 'string' ? [[name, header.value]] : []));
  };
  const whole = parse(text);
  if (whole.length > 0 || text.trim().startsWith('{')) return whole;
  return text.split(/\r?\n/).flatMap((line) => parse(line));
}

/**
 * The secret values among the inputs: the secret inputs' texts and the values of credential-looking
 * headers. Not an unexpanded `$(NAME)`: that is no secret, and the configuration problem that
 * reports it should show the variable's name.
 */
export function secretInputValues(input: (name: string) => string | undefined): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined || value.trim() === '' || unexpandedPipelineMacro(value) !== undefined) return;
    found.add(value);
    found.add(value.trim());
  };
  for (const name of SECRET_INPUTS) add(input(name));
  const headers = input(HEADERS_INPUT);
  if (headers !== undefined) {
    for (const [name, value] of headerEntries(headers)) if (looksLikeSecretHeader(name)) add(value);
  }
  return [...found];
}

/** The logging command that registers a secret, escaped as task-lib escapes command data. */
const setSecretCommand = (value: string) => `##vso[task.setsecret]${value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;

/**
 * Registers the secret inputs found in the agent's environment with the agent. Call it before the
 * task library is loaded; later it finds nothing (task-lib has moved the inputs to its vault).
 */
export function maskSecretInputs(env: NodeJS.ProcessEnv, write: (line: string) => void): void {
  const byName = new Map(Object.entries(env).map(([name, value]) => [name.toUpperCase(), value]));
  for (const secret of secretInputValues((name) => byName.get(inputVariableName(name)))) {
    // The agent refuses multi-line secrets; each line is what a log line could show anyway.
    for (const line of secret.split(/\r?\n/)) if (line.trim().length > 0) write(setSecretCommand(line));
  }
}
