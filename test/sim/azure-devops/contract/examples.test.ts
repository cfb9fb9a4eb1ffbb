import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../../../sim/azure-devops/api/routes';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../../sim/azure-devops/index';
import { send } from '../helpers';
import { contractRequests, ensureSubscription, NOT_IN_SPECS, SPEC_ALIASES } from './requests';
import { indexOperations, loadSpecs, normalizeSuffix, readJson, resolveExample } from './specs';

/**
 * Replays the spec's `httpExamples` for the routes the simulator serves: the example's query
 * parameters are applied to a request for our own data, and our response must have the example's
 * shape: every key the example has (recursively), with the same JSON type. Values are not compared
 * (the examples describe another organization), and keys are compared only where the example has
 * them (the examples are old captures, §1.4 item 8).
 */

let sim: AzureDevOpsSimulator;
const operations = indexOperations(loadSpecs());
const HOST_PREFIX: Record<string, string> = { core: '', release: 'vsrm.', graph: 'vssps.', entitlements: 'vsaex.', advsec: 'advsec.' };

/**
 * Example keys the simulator deliberately does not produce, with the reason. Everything else an
 * example shows must be present.
 */
const ABSENT_BY_DESIGN: Record<string, string> = {
  '.environments[].preApprovalsSnapshot.approvalOptions.timeoutInMintues': 'a misspelling in an old capture; the spec (ApprovalOptions) declares timeoutInMinutes, which is sent',
};

/** Examples that do not describe the route they are attached to, with the reason. */
const SKIPPED_EXAMPLES: Record<string, string> = {
  'git.repositories.get ← GET__git_repositories__remoteurl.json': 'describes the remote-URL lookup (serverUrl/collection/repository), not a GitRepository',
  'work.iterations.list ← GET__work_teamsettings_iterations__timeframe-_timeframe_.json': 'an api-version 2.0 capture using `values`; lists are {count, value} on the wire (§1.4 item 1)',
  'wit.classificationNodes.list ← GET__wit_classificationNodes_areas.json': 'attached to the root-nodes list but shows a single node (it belongs to Classification Nodes_Get)',
  'wit.classificationNodes.list ← GET__wit_classificationNodes_areas__depth-2.json': 'same: a single-node example attached to the list operation',
  'wit.classificationNodes.list ← GET__wit_classificationNodes_iterations.json': 'same: a single-node example attached to the list operation',
  'wit.classificationNodes.list ← GET__wit_classificationNodes_iterations__depth-2.json': 'same: a single-node example attached to the list operation',
};

/** Examples whose parameters name entities: replayed against an equivalent entity of ours. */
function overrideRequest(name: string): string | undefined {
  const m = sim.model;
  const project = m.projectList().find((p) => p.state === 'wellFormed' && m.nodesOf(p.id, 'iteration').length > 0);
  if (!project) return undefined;
  const repo = m.repositoriesOf(project.id).find((r) => r.defaultBranch && !r.isDisabled);
  const sprint = m.nodesOf(project.id, 'iteration').find((n) => n.startDate !== null && n.name.startsWith('Sprint'));
  const area = m.nodesOf(project.id, 'area').find((n) => n.parentId !== null);
  const rel = (path: string) => path.split('\\').filter(Boolean).slice(2).map(encodeURIComponent).join('/');
  const wiki = m.wikisOf(project.id)[0];
  const page = wiki ? m.wikiPagesOf(wiki.id).find((p) => m.wikiPagesOf(wiki.id).some((c) => c.path.startsWith(`${p.path}/`))) : undefined;
  if (name.startsWith('wiki.pages.get') && wiki && page) return `/${project.id}/_apis/wiki/wikis/${wiki.id}/pages?path=${encodeURIComponent(page.path)}&includeContent=true${name.includes('RecursionLevel') ? '&recursionLevel=full' : ''}`;
  if (name.includes('classificationNodes_From_Ids') && sprint && area) return `/${project.id}/_apis/wit/classificationnodes?ids=${sprint.id},${area.id}`;
  if (name.includes('stats_branches__name_') && repo) return `/${project.id}/_apis/git/repositories/${repo.id}/stats/branches?name=${encodeURIComponent((repo.defaultBranch ?? '').replace('refs/heads/', ''))}`;
  if (name.includes('classificationNodes_iterations__iterationPath_') && sprint) return `/${project.id}/_apis/wit/classificationnodes/Iterations/${rel(sprint.path)}`;
  if (name.includes('classificationNodes_areas__areaPath_') && area) return `/${project.id}/_apis/wit/classificationnodes/Areas/${rel(area.path)}`;
  return undefined;
}

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', alerts: 40, releases: 30, testRuns: 30, deploymentRecords: 40 }, seed: 2 });
  ensureSubscription(sim);
});
afterAll(async () => {
  await sim.close();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const kind = (v: Json | undefined) => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Merges our list items into one value holding every key any item has (first non-null wins). */
function union(items: Json[]): Json {
  const objects = items.filter((i): i is { [k: string]: Json } => kind(i) === 'object');
  if (objects.length === 0) return items.find((i) => i !== null) ?? null;
  const out: { [k: string]: Json } = {};
  for (const o of objects) {
    for (const [k, v] of Object.entries(o)) {
      const prev = out[k];
      if (prev === undefined || prev === null) out[k] = v;
      else if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v];
      else if (kind(prev) === 'object' && kind(v) === 'object') out[k] = union([prev, v]);
    }
  }
  return out;
}

function shapeDiff(example: Json, ours: Json | undefined, path: string, out: string[]): void {
  if (example === null) return;
  if (ours === undefined || ours === null) {
    out.push(`${path}: missing`);
    return;
  }
  if (kind(example) !== kind(ours)) {
    // Numbers serialized as strings (or the reverse) are a real wire difference; report them.
    out.push(`${path}: ${kind(example)} in the example, ${kind(ours)} here`);
    return;
  }
  if (Array.isArray(example) && Array.isArray(ours)) {
    if (example.length === 0 || ours.length === 0) return;
    const merged = union(ours);
    for (const item of example.slice(0, 5)) shapeDiff(item, merged, `${path}[]`, out);
    return;
  }
  if (kind(example) === 'object') {
    const ex = example as { [k: string]: Json };
    const mine = ours as { [k: string]: Json };
    // A dictionary keyed by subject descriptors (subject lookup): compare its values, not its keys.
    const descriptorKeys = (o: { [k: string]: Json }) => Object.keys(o).length > 0 && Object.keys(o).every((k) => /^(aad|aadgp|vssgp|msa|svc)\./.test(k));
    if (descriptorKeys(ex) && descriptorKeys(mine)) {
      const merged = union(Object.values(mine));
      for (const value of Object.values(ex).slice(0, 5)) shapeDiff(value, merged, `${path}{}`, out);
      return;
    }
    for (const [key, value] of Object.entries(ex)) {
      // Maps keyed by data (field reference names, state mappings, properties) are not shape.
      // Relation attributes depend on the relation type (attachments carry dates and ids, parents do not).
      if (key === 'attributes' && path.endsWith('relations[]')) continue;
      if (['fields', 'settings', 'changeCounts', 'supportedResourceVersions', 'stateMappings', 'properties', 'variables', 'allowedMappings', 'capabilities', 'publisherInputs', 'consumerInputs', 'transitions'].includes(key)) continue;
      shapeDiff(value, mine[key], `${path}.${key}`, out);
    }
  }
}

function exampleQuery(parameters: Record<string, unknown> | undefined): URLSearchParams {
  const out = new URLSearchParams();
  const skip = new Set(['organization', 'project', 'api-version', 'team', 'ids', 'id', 'continuationToken']);
  for (const [k, v] of Object.entries(parameters ?? {})) {
    if (skip.has(k) || k.toLowerCase().endsWith('id') || typeof v === 'object') continue;
    if (/^[a-z$]/i.test(k) && (k.startsWith('$') || k.includes('.') || ['filter', 'includeLinks', 'includeStatuses', 'detailsToInclude', 'changeCount', 'stateFilter', 'recursionLevel', 'scopePath', 'timeframe', '$timeframe', 'depth'].includes(k))) out.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

describe('spec examples replayed against the simulator', () => {
  const cases = allRoutes()
    .filter((r) => !NOT_IN_SPECS.has(r.id))
    .flatMap((r) => {
      const key = SPEC_ALIASES[r.id] ?? `${r.method} ${normalizeSuffix(r.path.replace('{*', '{'))}`;
      return (operations.get(key) ?? []).flatMap((op) =>
        Object.values(op.operation['x-ms-examples'] ?? {}).map((ex) => ({ route: r, op, ref: ex.$ref, name: `${r.id} ← ${ex.$ref.split('/').pop() ?? ex.$ref}` })),
      );
    });

  it('finds example files for the routes that have them (case-insensitively)', () => {
    const unresolved = cases.filter((c) => !resolveExample(c.op.file.file, c.ref)).map((c) => c.name);
    expect(unresolved).toEqual([]);
    expect(cases.length).toBeGreaterThan(20);
  });

  it('skips only examples that exist, each with a reason', () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(SKIPPED_EXAMPLES).filter((n) => !names.has(n))).toEqual([]);
  });

  it.each(cases.filter((c) => !(c.name in SKIPPED_EXAMPLES)).map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const file = resolveExample(c.op.file.file, c.ref);
    if (!file) throw new Error(`example ${c.ref} not found`);
    const example = readJson(file) as { parameters?: Record<string, unknown>; responses?: Record<string, { body?: Json }> };
    const status = Object.keys(example.responses ?? {})[0] ?? '200';
    const body = example.responses?.[status]?.body;
    if (c.route.id === 'hooks.subscriptions.delete') {
      // A throwaway subscription to delete; the example documents 204 with no body.
      const owner = sim.model.owner();
      const doomed = sim.hooks.create({ host: 'core', hostId: sim.model.id, publisherId: 'tfs', eventType: 'git.push', resourceVersion: null, consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: {}, consumerInputs: { url: 'https://receiver.example.com/x' }, createdById: owner?.id ?? '', modifiedById: owner?.id ?? '', urls: { core: sim.cloudUrl, release: sim.cloudUrl, graph: sim.cloudUrl, entitlements: sim.cloudUrl, advsec: sim.cloudUrl } });
      const res = await send(sim, `/${sim.org}/_apis/hooks/subscriptions/${doomed.id}?api-version=7.1`, { method: 'DELETE', host: `dev.azure.com:${sim.port}` });
      expect(res.status).toBe(Number(status));
      expect(res.text).toBe('');
      return;
    }
    const base = contractRequests(sim)[c.route.id]?.[0];
    if (!base) throw new Error(`no contract request for ${c.route.id}`);
    const override = overrideRequest(name);
    const request = override ? { ...base, path: override } : base;
    const [path, query = ''] = request.path.split('?');
    const params = new URLSearchParams(query);
    for (const [k, v] of exampleQuery(example.parameters)) if (!params.has(k)) params.set(k, v);
    const host = `${HOST_PREFIX[c.route.hosts[0] ?? 'core'] ?? ''}dev.azure.com:${sim.port}`;
    const res = await send(sim, `/${sim.org}${path ?? ''}${params.size > 0 ? `?${params.toString()}` : ''}`, { method: request.method ?? c.route.method, body: request.body, host });
    expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBe(Number(status) === 204 ? 204 : 200);
    if (body === undefined || res.status === 204) return;
    const diffs: string[] = [];
    shapeDiff(body, res.json(), '', diffs);
    const unexpected = diffs.filter((d) => !Object.keys(ABSENT_BY_DESIGN).some((k) => d.startsWith(k)));
    expect(unexpected, name).toEqual([]);
  });
});
