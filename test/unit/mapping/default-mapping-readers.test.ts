import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPortAppConfig } from '../../../core/kinds/defaults';
import { portAppConfigFromObject } from '../../../core/mapping/app-config';
import { DEFAULT_BATCH_LIMITS, evaluateEach } from '../../../core/mapping/batch-evaluator';
import { compileFastJq } from '../../../core/mapping/fast-jq';
import { project, projectionOf, type ProjectionNode } from '../../../core/mapping/input-projection';
import { rewriteSingleQuotes } from '../../../core/mapping/jq-expression';
import { mappingBody, planResource, PROGRAM_PRELUDE } from '../../../core/mapping/mapping-program';
import { testEngine } from './mapping-fixtures';

/**
 * Every expression of the default mapping through both readers of the shared jq parser. Per
 * resource, in order: what the input projection keeps (paths in first-read order, `/` between
 * keys, `[]` for every element, a final `?` where only the value's type is kept); fast-jq takes
 * every slot. These were computed by the two parsers the shared one replaced, and each
 * path can be read off the resource's expressions (core/kinds/). A property then checks that
 * the projection changes no answer jq gives.
 */
const EXPECTED: [kind: string, kept: string][] = [
  ['project', 'id name state revision visibility description defaultTeam/name lastUpdateTime __organizationUrl'],
  ['team', 'id name description __organizationUrl __project/name __project/id'],
  ['member', '__teamId identity/id identity/displayName identity/uniqueName isTeamAdmin'],
  ['user', 'user/principalName user/displayName user/mailAddress user/origin user/descriptor principalName displayName mailAddress origin accessLevel/licenseDisplayName accessLevel/status dateCreated lastAccessedDate descriptor'],
  ['group', 'descriptor principalName displayName description origin __project/id'],
  ['group-member', '__group/descriptor __group/principalName descriptor displayName subjectKind principalName'],
  ['repository', 'id name webUrl remoteUrl defaultBranch isDisabled size __includedFiles/README.md project/id'],
  ['repository-policy', 'type/displayName isEnabled? settings/scope/[]/repositoryId settings/minimumApproverCount __repository/id'],
  ['repository-policy', 'type/displayName __repository/id isEnabled? isBlocking?'],
  ['branch', '__repository/id __repository/name __repository/defaultBranch __repository/webUrl __repository/remoteUrl name refName objectId'],
  [
    'pull-request',
    'repository/id repository/webUrl repository/project/name repository/name pullRequestId title status isDraft createdBy/uniqueName reviewers/[]/uniqueName sourceRefName targetRefName mergeStatus creationDate closedDate __organizationUrl',
  ],
  ['pipeline', '__projectId id name folder revision _links/web/href __repository/type __repository/id'],
  ['pipeline-run', '__project/id __pipeline/id __pipeline/name id name state result createdDate finishedDate _links/web/href'],
  ['build', '__projectId id definition/name definition/id buildNumber status result reason sourceBranch sourceVersion requestedFor/uniqueName queueTime startTime finishTime _links/web/href'],
  ['pipeline-stage', '__project/id __build/id __build/definition/name __build/buildNumber __build/_links/web/href id name state result identifier attempt errorCount warningCount startTime finishTime'],
  ['environment', '__project/id __project/name id name description createdBy/uniqueName createdOn lastModifiedOn __organizationUrl'],
  ['pipeline-deployment', '__project/id __environment/id __environment/name id definition/name owner/name owner/_links/web/href owner/id result stageName jobName stageAttempt queueTime startTime finishTime'],
  ['release', '__project/id id name status reason releaseDefinition/name createdBy/uniqueName modifiedBy/uniqueName createdOn modifiedOn _links/web/href'],
  ['release-definition', '__project/id id name path description environments/[]/name revision createdBy/uniqueName modifiedBy/uniqueName createdOn modifiedOn _links/web/href'],
  ['release-deployment', '__project/id id release/name release/webAccessUri release/id releaseEnvironment/name deploymentStatus operationStatus reason attempt requestedFor/uniqueName queuedOn startedOn completedOn releaseDefinition/id'],
  ['board', 'id __team/name __team/id name __organizationUrl __project/name __project/id'],
  ['column', '__board/id __stateType name __stateName columnType itemLimit'],
  [
    'work-item',
    '__projectId id fields/System.Title fields/System.WorkItemType fields/System.State fields/System.Reason fields/Microsoft.VSTS.Common.Priority fields/Microsoft.VSTS.Scheduling.Effort fields/Microsoft.VSTS.Scheduling.StoryPoints fields/System.Description fields/System.AssignedTo/uniqueName fields/System.CreatedBy/uniqueName fields/System.ChangedBy/uniqueName fields/System.CreatedDate fields/System.ChangedDate fields/System.AreaPath fields/System.IterationPath fields/System.Tags fields/System.BoardColumn url',
  ],
  ['iteration', '__team/id __team/name id name path attributes/startDate attributes/finishDate attributes/timeFrame __organizationUrl __project/name __project/id'],
  ['area-path', 'identifier __normalizedPath name hasChildren __parentIdentifier __project/id'],
  [
    'test-run',
    '__project/id id name state isAutomated totalTests passedTests runStatistics/[]/outcome runStatistics/[]/count unanalyzedTests startedDate completedDate webAccessUrl build/id',
  ],
  ['wiki', '__wiki/id __wiki/name __wiki/type __wiki/remoteUrl id path content __project/id'],
];

const resources = portAppConfigFromObject(defaultPortAppConfig(), 'default').resources.map((resource) => ({
  kind: resource.kind,
  slots: planResource(resource).slots,
}));

/** The kept paths of a projection, as in {@link EXPECTED}. */
function kept(node: ProjectionNode, path: string[] = []): string[] {
  if (node.whole) return [path.join('/')];
  const out: string[] = [];
  for (const [key, child] of node.children) out.push(...kept(child, [...path, key]));
  if (node.any) out.push(...kept(node.any, [...path, '[]']));
  return out.length > 0 ? out : [`${path.join('/')}?`];
}

function projectionFor(slots: readonly { jq: string }[]): ProjectionNode {
  const projection = projectionOf(slots.map((slot) => rewriteSingleQuotes(slot.jq)));
  if (projection === undefined) throw new Error('no projection');
  return projection;
}

/** Items holding the kept paths (and a decoy beside each key), any of them possibly of a wrong type. */
function itemsFor(paths: readonly string[][]): fc.Arbitrary<unknown[]> {
  const places = new Map<string, string[]>();
  for (const path of paths) {
    for (let i = 0; i <= path.length; i++) {
      places.set(path.slice(0, i).join('/'), path.slice(0, i));
      places.set([...path.slice(0, i), 'zz'].join('/'), [...path.slice(0, i), 'zz']);
    }
  }
  const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null));
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.dictionary(fc.constantFrom('a', 'zz'), scalar, { maxKeys: 2 }));
  const entry = fc.tuple(fc.constantFrom(...places.values()), value);
  const item = fc.array(entry, { minLength: 1, maxLength: 12 }).map((entries) => entries.reduce<unknown>((out, [path, leaf]) => merge(out, build(path, leaf)), {}));
  return fc.array(item, { minLength: 1, maxLength: 6 });
}

function build(path: readonly string[], leaf: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return leaf;
  return key === '[]' ? [build(rest, leaf), build(rest, leaf)] : { [key]: build(rest, leaf) };
}

function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return b.map((x: unknown, i) => merge(a[i], x));
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = merge(out[key], value);
    return out;
  }
  return b;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('the default mapping through the shared jq parser', () => {
  it('covers every resource of the default mapping', () => {
    expect(resources.map((r) => r.kind)).toEqual(EXPECTED.map(([kind]) => kind));
  });

  it.each(EXPECTED.map((expected, i) => [expected[0], i] as const))('%s: the projection keeps exactly the listed paths, fast-jq takes every slot', (_kind, i) => {
    const resource = resources[i];
    const [, keptPaths] = EXPECTED[i] ?? [];
    if (!resource || keptPaths === undefined) throw new Error(`no resource ${i}`);
    expect(kept(projectionFor(resource.slots)).join(' ')).toBe(keptPaths);
    const expressions = resource.slots.map((slot) => rewriteSingleQuotes(slot.jq));
    expect(expressions.filter((jq) => compileFastJq(jq) === undefined)).toEqual([]);
  });

  it('gives every resource the answers jq gives on whole items, errors included', async () => {
    const engine = await testEngine();
    for (const [i, resource] of resources.entries()) {
      const projection = projectionFor(resource.slots);
      const paths = kept(projection).map((path) => path.replace(/\?$/, '').split('/'));
      const body = mappingBody(resource.slots);
      const run = (items: unknown[]) => evaluateEach(engine, PROGRAM_PRELUDE, body, items, DEFAULT_BATCH_LIMITS, { engineCalls: 0, fallbacks: 0 });
      fc.assert(
        fc.property(itemsFor(paths), (items) => {
          expect(run(items.map((item) => project(item, projection))), `${resource.kind} (${i})`).toEqual(run(items));
        }),
        { numRuns: 20 },
      );
    }
  });
});
