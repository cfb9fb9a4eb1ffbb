/** Where a piece of configuration came from: a file and line, or a description such as `integration 'x' in Port`. */
export type SourceRef = { file: string; line?: number; column?: number };

export type ConfigProblem = { message: string; source: SourceRef; path: string };

/** Every problem found in a mapping, reported together so a user fixes them in one pass. */
export class MappingConfigError extends Error {
  readonly problems: ConfigProblem[];
  /**
   * Warnings found on the way (an unknown key, say). Often they explain the problem: `mapings:`
   * is ignored as unknown, and so `mappings` is missing.
   */
  readonly warnings: { message: string; source: SourceRef }[];

  constructor(problems: ConfigProblem[], what = 'The mapping (port-app-config)', warnings: { message: string; source: SourceRef }[] = []) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${what} has ${count}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'MappingConfigError';
    this.problems = problems;
    this.warnings = warnings;
  }
}

export function formatSource(source: SourceRef): string {
  if (source.line === undefined) return source.file;
  return source.column === undefined ? `${source.file}:${source.line}` : `${source.file}:${source.line}:${source.column}`;
}

function formatProblem(problem: ConfigProblem): string {
  const where = formatSource(problem.source);
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}
