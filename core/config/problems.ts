/**
 * What the configuration reports: problems (the run cannot start, exit code 2) and warnings
 * (it can, but the user should know). Each names its source the way the user would look for it:
 * `environment variable OCEAN__PORT__CLIENT_ID`, `flag --mapping`,
 * `port-ado-sync.yml:12:3 (azureDevOps.organizationUrl)`, `input 'organizationUrl'`.
 */

export interface ConfigProblem {
  /** Where the bad value came from; absent when the problem is that a value came from nowhere. */
  readonly source?: string;
  readonly message: string;
}

export interface ConfigWarning {
  readonly source?: string;
  readonly message: string;
}

/** Bad configuration: every problem found, not just the first. The CLI exits with `exitCode`. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  readonly problems: readonly ConfigProblem[];
  /** Warnings found on the way (a deprecated variable, say); worth printing next to the problems. */
  readonly warnings: readonly ConfigWarning[];

  constructor(problems: readonly ConfigProblem[], warnings: readonly ConfigWarning[] = []) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
    this.warnings = warnings;
  }
}

export function formatProblem(problem: ConfigProblem | ConfigWarning): string {
  return problem.source === undefined ? problem.message : `${problem.source}: ${problem.message}`;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  if (problems.length === 1 && problems[0]) return `Invalid configuration: ${formatProblem(problems[0])}`;
  return [`Invalid configuration (${problems.length} problems):`, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}

/**
 * Last line of defence for "no secret in any message": replaces every secret text seen while
 * reading the configuration (valid or rejected) wherever it appears. The messages are written not
 * to quote values, but a PAT pasted into the organization URL variable would otherwise be echoed
 * by a message about that URL.
 */
export function redactSecrets<T extends ConfigProblem | ConfigWarning>(items: readonly T[], secrets: Iterable<string>): T[] {
  // Longest first, so a secret that contains another is replaced whole. Very short texts are not
  // redacted: replacing every "a" in a message helps no one and a 3-character secret is no secret.
  const texts = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const scrub = (text: string) => texts.reduce((out, secret) => out.split(secret).join('***'), text);
  return items.map((item) => ({
    ...item,
    message: scrub(item.message),
    ...(item.source === undefined ? {} : { source: scrub(item.source) }),
  }));
}
