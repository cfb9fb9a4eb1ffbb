import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureDevOpsResponseError } from '../../core/azure-devops/errors';
import type { AzureDevOpsClient } from '../../core/azure-devops/client';
import { DEFAULT_CONCURRENCY, type KindContext, type RawItem } from '../../core/kinds/kind';
import { ParentListings } from '../../core/kinds/parents';
import pipelineRun from '../../core/kinds/pipeline-run';
import type { Subject } from '../../core/live-events/event-routes';
import { LIVE_KINDS, type LiveFetchContext } from '../../core/live-events/live-kinds';
import { LiveScope } from '../../core/live-events/live-scope';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { startRewritingProxy, type RewritingProxy } from '../support/rewriting-proxy';

/**
 * Pipeline runs have no list filter, so the receiver reads a run by id (Runs - Get) where the sync
 * lists a pipeline's runs (Runs - List). The item it maps must be the sync's, field for field
 * (the same enrichment, core/kinds/pipeline-run.ts `enrichRun`): otherwise the entity flips
 * between what a sync writes and what the receiver writes.
 */
const PAT = 'pipeline-run-item-pat-0001';

let sim: AzureDevOpsSimulator;
let proxy: RewritingProxy;
let client: AzureDevOpsClient;

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 21, pat: PAT });
  proxy = await startRewritingProxy(sim);
  client = proxy.client(PAT);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

async function syncedRuns(): Promise<RawItem[]> {
  const ctx: KindContext = {
    client,
    organization: client.organization,
    parents: new ParentListings(client, { include: [], excludedTags: [] }, { projects: 8 }),
    concurrency: DEFAULT_CONCURRENCY,
    now: new Date(),
    listing: { incomplete: () => undefined, warn: () => undefined },
  };
  const items: RawItem[] = [];
  for await (const page of pipelineRun.list(ctx, pipelineRun.selector.parse({}))) items.push(...page);
  return items;
}

function liveContext(): LiveFetchContext {
  return {
    client,
    scope: new LiveScope(client, { include: [], excludedTags: [] }, { ttlMs: 60_000, missRefreshMs: 0 }),
    organization: client.organization,
    concurrency: DEFAULT_CONCURRENCY,
    now: new Date(),
    warn: () => undefined,
  };
}

const fetchRun = (subject: Subject) => LIVE_KINDS['pipeline-run']!.fetch(pipelineRun, {}, subject, liveContext());

/** A few runs of different pipelines and states. */
function someRuns() {
  const runs = sim.model
    .projectList()
    .filter((p) => p.state === 'wellFormed')
    .flatMap((project) => sim.model.pipelinesOf(project.id).flatMap((pipeline) => sim.model.buildsOfPipeline(pipeline.id).map((build) => ({ project, pipeline, build }))));
  const picked = new Map<string, (typeof runs)[number]>();
  for (const run of runs) if (!picked.has(run.build.status)) picked.set(run.build.status, run);
  for (const run of runs) if (picked.size < 4 && ![...picked.values()].some((p) => p.pipeline.id === run.pipeline.id)) picked.set(`pipeline ${run.pipeline.id}`, run);
  return [...picked.values()];
}

describe('the receiver reads a pipeline run as the sync lists it', () => {
  it('maps the same item, field for field, for run and build events', async () => {
    const synced = await syncedRuns();
    const runs = someRuns();
    expect(runs.length).toBeGreaterThan(1);
    for (const { project, pipeline, build } of runs) {
      const listed = synced.find((item) => item.id === build.id);
      expect(listed, `run ${build.id} is listed by the sync`).toBeDefined();
      const fromRun = await fetchRun({ type: 'run', projectId: project.id, runId: build.id, pipelineId: pipeline.id, run: { id: build.id }, pipeline: { id: pipeline.id } });
      expect(fromRun.complete).toBe(true);
      expect(fromRun.current).toEqual([listed]);
      const fromBuild = await fetchRun({ type: 'build', projectId: project.id, buildId: build.id, pipelineId: pipeline.id, resource: { id: build.id } });
      expect(fromBuild.current).toEqual([listed]);
    }
  });

  it('reports a run read that is not a JSON object instead of writing it', async () => {
    const [{ project, pipeline, build }] = someRuns() as [ReturnType<typeof someRuns>[number]];
    proxy.rewrites.push({ path: new RegExp(`/_apis/pipelines/${pipeline.id}/runs/${build.id}$`), text: '[]' });
    try {
      const read = fetchRun({ type: 'run', projectId: project.id, runId: build.id, pipelineId: pipeline.id, run: { id: build.id }, pipeline: { id: pipeline.id } });
      await expect(read).rejects.toBeInstanceOf(AzureDevOpsResponseError);
      await expect(read).rejects.toThrow(`the read of run ${build.id} of pipeline '${pipeline.name}' with a list`);
    } finally {
      proxy.rewrites.length = 0;
    }
  });
});
