import advancedSecurityAlert from './advanced-security-alert';
import areaPath from './area-path';
import board from './board';
import branch from './branch';
import build from './build';
import column from './column';
import environment from './environment';
import group from './group';
import groupMember from './group-member';
import file from './file';
import folder from './folder';
import iteration from './iteration';
import type { KindDefinition } from './kind';
import member from './member';
import pipeline from './pipeline';
import pipelineDeployment from './pipeline-deployment';
import pipelineRun from './pipeline-run';
import pipelineStage from './pipeline-stage';
import project from './project';
import pullRequest from './pull-request';
import release from './release';
import releaseDefinition from './release-definition';
import releaseDeployment from './release-deployment';
import repository from './repository';
import repositoryPolicy from './repository-policy';
import team from './team';
import user from './user';
import testRun from './test-run';
import wiki from './wiki';
import workItem from './work-item';

/**
 * Every kind, in the order the default mapping lists them (parents before children, so relations
 * resolve even without createMissingRelatedEntities).
 *
 * Adding a kind: one module (`defineKind`: a `z.object` selector, its listing, defaults, and
 * `scope: 'organization'` if its items belong to no project), its test, and its entry here (the
 * import and one line in KINDS). Nothing else lists kinds: `--kinds` (core/config/known-values.ts)
 * and the shards (core/shards/kind-scope.ts) read this list. Then `npm run docs` regenerates
 * docs/kinds.md and docs/incremental.md from it (test/unit/kinds-doc.test.ts checks they are current).
 */
export const KINDS: readonly KindDefinition[] = [
  project,
  team,
  member,
  user,
  group,
  groupMember,
  repository,
  repositoryPolicy,
  branch,
  pullRequest,
  pipeline,
  pipelineRun,
  build,
  pipelineStage,
  environment,
  pipelineDeployment,
  release,
  releaseDefinition,
  releaseDeployment,
  board,
  column,
  workItem,
  iteration,
  areaPath,
  testRun,
  wiki,
  file,
  folder,
  advancedSecurityAlert,
];

const byName = new Map(KINDS.map((k) => [k.kind, k]));

export function findKind(name: string): KindDefinition | undefined {
  return byName.get(name);
}

export function kindNames(): string[] {
  return KINDS.map((k) => k.kind);
}
