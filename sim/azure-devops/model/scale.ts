/** How many of each entity the generated organization holds. */
export interface ScaleCounts {
  projects: number;
  teams: number;
  users: number;
  /** Custom security groups, on top of the built-in ones every project and team has. */
  groups: number;
  repositories: number;
  /** Branches in total (every non-empty repository has at least its default branch). */
  branches: number;
  pullRequests: number;
  pipelines: number;
  /** Builds; every build of a YAML pipeline is also a pipeline run. */
  builds: number;
  releaseDefinitions: number;
  releases: number;
  environments: number;
  deploymentRecords: number;
  workItems: number;
  testRuns: number;
  alerts: number;
  /** Code wikis (every project also has its project wiki). */
  codeWikis: number;
}

export type ScaleName = 'tiny' | 'small' | 'medium' | 'large';

export const SCALES: Readonly<Record<ScaleName, ScaleCounts>> = {
  tiny: { projects: 2, teams: 3, users: 5, groups: 1, repositories: 3, branches: 5, pullRequests: 6, pipelines: 2, builds: 5, releaseDefinitions: 1, releases: 2, environments: 1, deploymentRecords: 3, workItems: 12, testRuns: 2, alerts: 3, codeWikis: 0 },
  small: { projects: 4, teams: 8, users: 15, groups: 4, repositories: 8, branches: 20, pullRequests: 40, pipelines: 5, builds: 25, releaseDefinitions: 3, releases: 12, environments: 3, deploymentRecords: 15, workItems: 80, testRuns: 8, alerts: 12, codeWikis: 1 },
  medium: { projects: 4, teams: 20, users: 200, groups: 10, repositories: 200, branches: 2000, pullRequests: 4000, pipelines: 200, builds: 2000, releaseDefinitions: 40, releases: 500, environments: 20, deploymentRecords: 1000, workItems: 20000, testRuns: 500, alerts: 500, codeWikis: 4 },
  large: { projects: 40, teams: 200, users: 2000, groups: 100, repositories: 2000, branches: 20000, pullRequests: 40000, pipelines: 2000, builds: 20000, releaseDefinitions: 400, releases: 5000, environments: 200, deploymentRecords: 10000, workItems: 200000, testRuns: 5000, alerts: 5000, codeWikis: 40 },
};

export type ScaleOption = ScaleName | (Partial<ScaleCounts> & { base?: ScaleName });

export function resolveScale(option: ScaleOption | undefined): ScaleCounts {
  if (option === undefined) return { ...SCALES.small };
  if (typeof option === 'string') return { ...SCALES[option] };
  const { base, ...counts } = option;
  const merged: ScaleCounts = { ...SCALES[base ?? 'small'] };
  for (const [key, value] of Object.entries(counts) as [keyof ScaleCounts, number | undefined][]) {
    if (value !== undefined) merged[key] = value;
  }
  if (merged.projects < 1) throw new Error('scale.projects must be at least 1');
  merged.teams = Math.max(merged.teams, merged.projects);
  merged.users = Math.max(merged.users, 1);
  return merged;
}
