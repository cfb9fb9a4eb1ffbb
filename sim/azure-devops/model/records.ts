/**
 * The organization model: domain records, free of URLs and wire details. Routes turn them into
 * the JSON the real service sends (`api/`), and tests read them to compute expected results
 * without going through the engine. Dates are epoch milliseconds; `null` means "not set".
 */

export type ProjectState = 'wellFormed' | 'createPending' | 'deleting' | 'new' | 'deleted';
export type ProcessName = 'Agile' | 'Scrum' | 'Basic' | 'CMMI';

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  state: ProjectState;
  visibility: 'private' | 'public';
  revision: number;
  lastUpdateTime: number;
  process: ProcessName;
  defaultTeamId: string;
  /** Project tags, exposed as `Microsoft.TeamFoundation.Project.Tag.<tag>` properties. */
  tags: string[];
}

export interface TeamRecord {
  id: string;
  projectId: string;
  name: string;
  description: string;
  isDefault: boolean;
  memberIds: string[];
  adminIds: string[];
  /** Team field value (area path) the team owns. */
  areaPath: string;
  /** Iteration node ids the team has selected. */
  iterationIds: number[];
}

export interface AccessLevel {
  accountLicenseType: 'express' | 'stakeholder' | 'advanced' | 'none';
  licenseDisplayName: string;
  licensingSource: 'account' | 'msdn';
  msdnLicenseType: 'none' | 'eligible' | 'enterprise' | 'professional';
  status: 'active' | 'pending';
}

export interface UserRecord {
  id: string;
  descriptor: string;
  displayName: string;
  mailAddress: string;
  principalName: string;
  origin: 'aad' | 'msa';
  originId: string;
  directoryAlias: string;
  createdDate: number;
  lastAccessedDate: number | null;
  accessLevel: AccessLevel;
}

export type GroupKind = 'collection' | 'project' | 'team' | 'custom';

export interface GroupRecord {
  id: string;
  descriptor: string;
  displayName: string;
  principalName: string;
  description: string;
  projectId: string | null;
  kind: GroupKind;
  /** Direct members: user or group descriptors. */
  memberDescriptors: string[];
}

export interface RepositoryRecord {
  id: string;
  projectId: string;
  name: string;
  /** `refs/heads/main`; null for an empty repository. */
  defaultBranch: string | null;
  size: number;
  isDisabled: boolean;
  isFork: boolean;
  createdDate: number;
  advancedSecurityEnabled: boolean;
}

export interface BranchRecord {
  /** `${repositoryId}|${name}` */
  key: string;
  repositoryId: string;
  /** Full ref name: `refs/heads/...` */
  name: string;
  objectId: string;
  creatorId: string;
}

export type PullRequestStatus = 'active' | 'completed' | 'abandoned';

export interface ReviewerRecord {
  id: string;
  vote: -10 | -5 | 0 | 5 | 10;
  isRequired: boolean;
}

export interface PullRequestRecord {
  id: number;
  repositoryId: string;
  projectId: string;
  status: PullRequestStatus;
  isDraft: boolean;
  title: string;
  description: string;
  creatorId: string;
  creationDate: number;
  closedDate: number | null;
  closedById: string | null;
  sourceRefName: string;
  targetRefName: string;
  mergeStatus: 'succeeded' | 'conflicts' | 'queued' | 'notSet' | 'failure';
  mergeId: string;
  sourceCommitId: string;
  targetCommitId: string;
  mergeCommitId: string | null;
  reviewers: ReviewerRecord[];
}

export interface PolicyTypeRecord {
  id: string;
  displayName: string;
  description: string;
}

export interface PolicyScope {
  repositoryId: string | null;
  refName: string | null;
  matchKind: 'Exact' | 'Prefix' | 'DefaultBranch';
}

export interface PolicyRecord {
  /** `${projectId}|${id}` */
  key: string;
  id: number;
  projectId: string;
  typeId: string;
  isEnabled: boolean;
  isBlocking: boolean;
  isDeleted: boolean;
  revision: number;
  createdDate: number;
  createdById: string;
  scopes: PolicyScope[];
  /** Type-specific settings besides `scope` (e.g. `minimumApproverCount`). */
  settings: Record<string, unknown>;
}

export interface PipelineRecord {
  id: number;
  projectId: string;
  name: string;
  /** `\` or `\folder\sub` */
  folder: string;
  revision: number;
  repositoryId: string | null;
  yamlPath: string | null;
  configurationType: 'yaml' | 'designerJson';
  createdDate: number;
  queueStatus: 'enabled' | 'disabled' | 'paused';
  authorId: string;
}

export type BuildStatus = 'completed' | 'inProgress' | 'notStarted' | 'cancelling';
export type BuildResult = 'succeeded' | 'partiallySucceeded' | 'failed' | 'canceled';

export interface BuildRecord {
  id: number;
  buildNumber: string;
  pipelineId: number;
  projectId: string;
  status: BuildStatus;
  result: BuildResult | null;
  queueTime: number;
  startTime: number | null;
  finishTime: number | null;
  reason: 'manual' | 'individualCI' | 'batchedCI' | 'schedule' | 'pullRequest' | 'resourceTrigger';
  sourceBranch: string;
  sourceVersion: string;
  requestedForId: string;
  repositoryId: string | null;
  tags: string[];
  /** Stage names of the run's timeline (derived for generated builds). */
  stageNames: string[];
  /**
   * `Build.lastChangedDate`, "the date the build was last changed" (build 7.1). Absent on generated
   * builds, which last changed at their latest queue, start or finish time. Every change the
   * simulator makes to a build stamps it: its state, and its timeline (a stage or job moving is
   * the build's run moving).
   */
  lastChangedDate?: number;
}

export type TimelineState = 'pending' | 'inProgress' | 'completed';
export type TimelineResult = 'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled' | 'skipped' | 'abandoned';

export interface TimelineRecordModel {
  id: string;
  parentId: string | null;
  type: 'Stage' | 'Phase' | 'Job' | 'Task' | 'Checkpoint';
  name: string;
  identifier: string;
  order: number;
  state: TimelineState;
  result: TimelineResult | null;
  startTime: number | null;
  finishTime: number | null;
  attempt: number;
  workerName: string | null;
  errorCount: number;
  warningCount: number;
}

export interface EnvironmentRecord {
  id: number;
  projectId: string;
  name: string;
  description: string;
  createdById: string;
  createdOn: number;
  lastModifiedById: string;
  lastModifiedOn: number;
}

export interface DeploymentRecordModel {
  id: number;
  environmentId: number;
  projectId: string;
  pipelineId: number;
  pipelineName: string;
  buildId: number;
  buildNumber: string;
  stageName: string;
  jobName: string;
  stageAttempt: number;
  jobAttempt: number;
  result: 'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled' | 'skipped' | 'abandoned' | null;
  queueTime: number;
  startTime: number | null;
  finishTime: number | null;
  planId: string;
}

export interface ReleaseDefinitionEnvironment {
  id: number;
  name: string;
  rank: number;
}

export interface ReleaseDefinitionRecord {
  id: number;
  projectId: string;
  name: string;
  path: string;
  revision: number;
  description: string;
  createdOn: number;
  modifiedOn: number;
  createdById: string;
  modifiedById: string;
  releaseNameFormat: string;
  environments: ReleaseDefinitionEnvironment[];
  buildPipelineId: number | null;
  tags: string[];
}

export type ReleaseEnvironmentStatus = 'notStarted' | 'inProgress' | 'succeeded' | 'canceled' | 'rejected' | 'queued' | 'scheduled' | 'partiallySucceeded';

export interface ReleaseEnvironmentModel {
  id: number;
  definitionEnvironmentId: number;
  name: string;
  rank: number;
  status: ReleaseEnvironmentStatus;
}

export interface ReleaseRecord {
  id: number;
  projectId: string;
  definitionId: number;
  name: string;
  status: 'active' | 'abandoned' | 'draft';
  reason: 'manual' | 'continuousIntegration' | 'schedule' | 'pullRequest';
  description: string;
  createdOn: number;
  modifiedOn: number;
  createdById: string;
  modifiedById: string;
  keepForever: boolean;
  environments: ReleaseEnvironmentModel[];
  tags: string[];
}

export type DeploymentStatus = 'succeeded' | 'failed' | 'inProgress' | 'partiallySucceeded' | 'notDeployed' | 'undefined';

export interface ReleaseDeploymentRecord {
  id: number;
  projectId: string;
  releaseId: number;
  definitionId: number;
  releaseEnvironmentId: number;
  definitionEnvironmentId: number;
  attempt: number;
  deploymentStatus: DeploymentStatus;
  operationStatus: string;
  reason: 'manual' | 'automated' | 'scheduled';
  queuedOn: number;
  startedOn: number | null;
  completedOn: number | null;
  lastModifiedOn: number;
  requestedById: string;
}

export interface WorkItemRecord {
  id: number;
  projectId: string;
  rev: number;
  type: string;
  title: string;
  state: string;
  reason: string;
  areaPath: string;
  iterationPath: string;
  assignedToId: string | null;
  createdById: string;
  changedById: string;
  createdDate: number;
  changedDate: number;
  stateChangeDate: number;
  closedDate: number | null;
  priority: number;
  tags: string[];
  description: string;
  storyPoints: number | null;
  remainingWork: number | null;
  boardColumn: string | null;
  boardColumnDone: boolean;
  parentId: number | null;
  commentCount: number;
  /** Text of the last comment (System.History), if any. */
  history: string | null;
}

export interface ClassificationNodeRecord {
  id: number;
  identifier: string;
  projectId: string;
  structureType: 'area' | 'iteration';
  name: string;
  /** `\Project\Area\Sub` style, as the API returns it (with the structure segment). */
  path: string;
  parentId: number | null;
  startDate: number | null;
  finishDate: number | null;
}

export interface BoardColumnModel {
  id: string;
  name: string;
  itemLimit: number;
  columnType: 'incoming' | 'inProgress' | 'outgoing';
  isSplit: boolean;
  description: string;
  /** work item type → state */
  stateMappings: Record<string, string>;
}

export interface BoardRecord {
  id: string;
  teamId: string;
  projectId: string;
  /** Backlog level name: `Epics`, `Features`, `Stories`, `Backlog items`, `Issues`, `Requirements`. */
  name: string;
  revision: number;
  columns: BoardColumnModel[];
}

export interface TestRunRecord {
  id: number;
  projectId: string;
  name: string;
  buildId: number | null;
  state: 'Completed' | 'InProgress' | 'Aborted' | 'NeedsInvestigation' | 'Waiting';
  isAutomated: boolean;
  totalTests: number;
  passedTests: number;
  incompleteTests: number;
  notApplicableTests: number;
  unanalyzedTests: number;
  createdDate: number;
  startedDate: number;
  completedDate: number | null;
  lastUpdatedDate: number;
  ownerId: string;
}

export interface TestResultRecord {
  id: number;
  runId: number;
  testCaseTitle: string;
  automatedTestName: string;
  automatedTestStorage: string;
  outcome: 'Passed' | 'Failed' | 'NotExecuted' | 'Inconclusive';
  durationInMs: number;
  startedDate: number;
  completedDate: number;
  priority: number;
  errorMessage: string | null;
}

export type AlertState = 'active' | 'dismissed' | 'fixed' | 'autoDismissed';
export type AlertType = 'dependency' | 'secret' | 'code';

export interface AlertRecord {
  alertId: number;
  repositoryId: string;
  projectId: string;
  alertType: AlertType;
  severity: 'low' | 'medium' | 'high' | 'critical' | 'note' | 'warning' | 'error';
  state: AlertState;
  title: string;
  ruleId: string;
  ruleName: string;
  toolName: string;
  filePath: string;
  line: number;
  gitRef: string;
  firstSeenDate: number;
  lastSeenDate: number;
  fixedDate: number | null;
  introducedDate: number;
  /** When anything about the alert last changed (drives `criteria.modifiedSince`). */
  modifiedDate: number;
  dismissalType: 'fixed' | 'acceptedRisk' | 'falsePositive' | null;
  confidence: 'high' | 'other';
}

export interface RepositoryFile {
  path: string;
  isFolder: boolean;
  content: string | null;
}

export interface CommitRecord {
  commitId: string;
  repositoryId: string;
  parents: string[];
  authorId: string;
  authorDate: number;
  comment: string;
  changes: { path: string; changeType: 'add' | 'edit' | 'delete' }[];
}

export interface WikiRecord {
  id: string;
  projectId: string;
  name: string;
  type: 'projectWiki' | 'codeWiki';
  repositoryId: string;
  mappedPath: string;
  version: string;
}

export interface WikiPageRecord {
  /** `${wikiId}|${id}` */
  key: string;
  wikiId: string;
  id: number;
  path: string;
  order: number;
  content: string;
}

export interface CodeCoverageRecord {
  buildId: number;
  modules: { name: string; linesCovered: number; linesNotCovered: number; blocksCovered: number; blocksNotCovered: number }[];
}
