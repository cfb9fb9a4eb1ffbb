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
  medium: { projects: 12, teams: 40, users: 150, groups: 20, repositories: 80, branches: 300, pullRequests: 800, pipelines: 60, builds: 600, releaseDefinitions: 30, releases: 300, environments: 30, deploymentRecords: 400, workItems: 2000, testRuns: 150, alerts: 200, codeWikis: 6 },
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
