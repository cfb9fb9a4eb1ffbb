import { describe, expect, it } from 'vitest';
import { deletionBlockers, projectsFilterNarrowing, type DeletionBlockers, type MappedResource } from '../../core/sync/deletion-policy';
import type { EngineConfig } from '../../core/sync/engine-config';

const PROJECTS = 'a projects filter is set, so the listings do not cover the whole organization';
const KINDS = 'a kinds filter is set';
const INCREMENTAL = 'an incremental run lists only what changed, which cannot prove anything is gone; the scheduled full sync deletes';
const ERRORS = 'the run had errors (repository (resources[0]), build (resources[2])); nothing is deleted until a clean run';

const resource = (kind: string, ...blueprints: string[]): MappedResource => ({ kind, port: { entity: { mappings: blueprints.map((blueprint) => ({ blueprint })) } } });

/** The mapping as written, including the kinds a kinds filter leaves out. */
const MAPPED = [resource('repository', '"service"'), resource('build', "'build'", '"pipeline"'), resource('work-item', '.fields.type | ascii_downcase')];
const FAILED = [{ label: 'repository (resources[0])' }, { label: 'build (resources[2])' }];

type Case = {
  name: string;
  mode?: EngineConfig['mode'];
  filters?: EngineConfig['filters'];
  failed?: boolean;
  expected: DeletionBlockers;
};

const nothing: DeletionBlockers = { reconciliation: undefined, held: [], narrowedByFilter: undefined };

const cases: Case[] = [
  { name: 'a clean full sync deletes', expected: nothing },
  { name: 'a plan computes deletions like a sync', mode: 'plan', expected: nothing },
  { name: 'empty filters are no filters', filters: { projects: [], kinds: [] }, expected: nothing },
  { name: 'an incremental run never deletes', mode: 'incremental', expected: { ...nothing, reconciliation: INCREMENTAL } },
  {
    name: 'an incremental run says so before its errors or its projects filter',
    mode: 'incremental',
    failed: true,
    filters: { projects: ['alpha'] },
    expected: { ...nothing, reconciliation: INCREMENTAL, narrowedByFilter: PROJECTS },
  },
  { name: 'a run with errors deletes nothing, and names the failed resources', failed: true, expected: { ...nothing, reconciliation: ERRORS } },
  { name: 'errors are named before a projects filter', failed: true, filters: { projects: ['alpha'] }, expected: { ...nothing, reconciliation: ERRORS, narrowedByFilter: PROJECTS } },
  { name: 'a projects filter blocks reconciliation', filters: { projects: ['alpha'] }, expected: { ...nothing, reconciliation: PROJECTS, narrowedByFilter: PROJECTS } },
  {
    name: 'a kinds filter blocks no reconciliation: it holds the blueprints of the kinds it leaves out',
    filters: { kinds: ['repository'] },
    expected: {
      reconciliation: undefined,
      held: [
        { blueprint: 'build', reason: "kind 'build' is left out by the kinds filter" },
        { blueprint: 'pipeline', reason: "kind 'build' is left out by the kinds filter" },
        { blueprint: undefined, reason: "kind 'work-item' (left out by the kinds filter) writes to a blueprint computed by jq" },
      ],
      narrowedByFilter: KINDS,
    },
  },
  {
    name: 'a kinds filter that leaves out nothing still narrows the run',
    filters: { kinds: ['repository', 'build', 'work-item'] },
    expected: { ...nothing, narrowedByFilter: KINDS },
  },
  {
    name: 'with both filters the projects filter is the narrowing named',
    filters: { projects: ['alpha'], kinds: ['repository', 'work-item'] },
    expected: { reconciliation: PROJECTS, held: [{ blueprint: 'build', reason: "kind 'build' is left out by the kinds filter" }, { blueprint: 'pipeline', reason: "kind 'build' is left out by the kinds filter" }], narrowedByFilter: PROJECTS },
  },
  {
    name: 'an incremental run with a kinds filter still holds the left-out kinds',
    mode: 'incremental',
    filters: { kinds: ['build', 'work-item'] },
    expected: { reconciliation: INCREMENTAL, held: [{ blueprint: 'service', reason: "kind 'repository' is left out by the kinds filter" }], narrowedByFilter: KINDS },
  },
];

describe('deletionBlockers', () => {
  it.each(cases)('$name', ({ mode = 'sync', filters = {}, failed = false, expected }) => {
    expect(deletionBlockers({ mode, filters }, { failedResources: failed ? FAILED : [], mappedResources: MAPPED })).toEqual(expected);
  });
});

describe('projectsFilterNarrowing', () => {
  it('says why a projects filter makes the listings partial, and nothing without one', () => {
    expect(projectsFilterNarrowing({ projects: ['alpha'] })).toBe(PROJECTS);
    expect(projectsFilterNarrowing({ projects: [] })).toBeUndefined();
    expect(projectsFilterNarrowing({ kinds: ['build'] })).toBeUndefined();
  });
});
