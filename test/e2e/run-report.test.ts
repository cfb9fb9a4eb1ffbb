/**
 * What a run reports, end to end against the simulators: the mode it ran in, one count of
 * failures everywhere it is shown (text and Markdown summaries, the JSON summary, the step
 * outputs), the items skipped without an entity, and each resource's own Port requests.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliPlatform } from '../../cli/cli-platform';
import { absentConfigFileLayer, layerFromEnvironment, layerFromFlags, resolveConfig } from '../../core/config';
import type { FlagValue } from '../../core/config';
import type { Outcome, RunOutputs } from '../../core/platform';
import { runFromLayers, summaryJson } from '../../core/run-from-layers';
import { MemoryReporter } from '../../core/sync/reporter';
import { runSync } from '../../core/sync/run';
import { renderMarkdown, renderText } from '../../core/sync/summary';
import { mappingFile } from '../kinds/mapping-file';
import { startSimulators, type Simulators } from '../support/simulators';

type JsonResource = {
  label?: string;
  index: number;
  kind: string;
  listed: number;
  upserted: number;
  unchanged: number;
  failed: number;
  mappingErrors: number;
  failedTotal: number;
  filteredOut: number;
  skippedNoIdentifier: number;
  portRequests: number;
  error: string | null;
};
type JsonTotals = { listed: number; upserted: number; unchanged: number; failed: number; deleted: number; filteredOut: number; skippedNoIdentifier: number };
type JsonSummary = { status: string; mode: string; portRequests: number; totals: JsonTotals; resources: JsonResource[] };

type Reported = { outcome: Outcome; outputs: RunOutputs; text: string; markdown: string; json: JsonSummary };

/** A run through the front doors' common path (runFromLayers), keeping what each report received. */
async function report(sims: Simulators, flags: Record<string, FlagValue>): Promise<Reported> {
  const quiet = new PassThrough().resume() as unknown as NodeJS.WriteStream;
  const summaryPath = join(mkdtempSync(join(tmpdir(), 'run-report-')), 'summary.json');
  let outputs: RunOutputs | undefined;
  let text = '';
  let markdown = '';
  const platform = new (class extends CliPlatform {
    override async publishSummary(md: string, plain: string): Promise<void> {
      markdown = md;
      text = plain;
      await super.publishSummary(md, plain);
    }
    override setOutputs(values: RunOutputs): void {
      outputs = values;
    }
  })({ out: quiet, err: quiet }, { debug: false, interactive: false });
  const outcome = await runFromLayers(platform, [layerFromFlags({ ...flags, summary: summaryPath }), absentConfigFileLayer(), layerFromEnvironment(sims.env())]);
  if (!outputs) throw new Error(`the run set no outputs (${outcome})`);
  return { outcome, outputs, text, markdown, json: JSON.parse(readFileSync(summaryPath, 'utf8')) as JsonSummary };
}

/** The text summary's table as cells per row label (`project #0`, `total`). */
function textTable(text: string): Map<string, string[]> {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith('resource ') && l.includes('failed'));
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    const cells = line.split(/\s{2,}/);
    rows.set(cells[0] ?? '', cells);
  }
  return rows;
}

/** The Markdown summary's table as cells per row label. */
function markdownTable(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| resource |'));
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.slice(2, -2).split(' | ');
    rows.set(cells[0] ?? '', cells);
  }
  return rows;
}

const FAILED = 4; // the column of `failed` in both tables

describe('the run report', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 5 } });
  });
  afterAll(async () => sims.close());
  beforeEach(() => {
    sims.ado.faults.clear();
    sims.port.clearCalls();
  });

  const projectNames = () => sims.ado.model.projectList().filter((p) => p.state === 'wellFormed').map((p) => p.name);

  it('of an incremental run says incremental: in the result, the JSON summary, the headlines and the completion line', async () => {
    const { config } = resolveConfig([layerFromFlags({ incremental: true, kinds: 'project' }), absentConfigFileLayer(), layerFromEnvironment(sims.env())]);
    const result = await runSync(config, { reporter: new MemoryReporter() });
    expect(result.mode).toBe('incremental');
    expect(summaryJson(result).mode).toBe('incremental');
    expect(renderText(result).split('\n')[0]).toMatch(/^Incremental sync succeeded/);
    expect(renderMarkdown(result)).toMatch(/\nIncremental sync succeeded/);

    const completions: string[] = [];
    const quiet = new PassThrough().resume() as unknown as NodeJS.WriteStream;
    const platform = new (class extends CliPlatform {
      override complete(outcome: Outcome, message: string): void {
        completions.push(message);
        super.complete(outcome, message);
      }
    })({ out: quiet, err: quiet }, { debug: false, interactive: false });
    expect(await runFromLayers(platform, [layerFromFlags({ incremental: true, kinds: 'project' }), absentConfigFileLayer(), layerFromEnvironment(sims.env())])).toBe('success');
    expect(completions).toEqual([expect.stringMatching(/^Incremental sync complete: /)]);

    const full = await report(sims, { kinds: 'project' });
    expect(full.json.mode).toBe('sync');
    expect(full.text.split('\n')[0]).toMatch(/^Sync succeeded/);
  });

  it('counts failures once, the same way everywhere: a mapping error, a refused entity and a failed listing are 3 in the tables, the JSON totals and the outputs', async () => {
    const [unmappable, refused] = projectNames();
    expect(refused, 'two well-formed projects').toBeDefined();
    const mapping = await mappingFile([
      {
        kind: 'project',
        mappings: { identifier: `if .name == ${JSON.stringify(unmappable)} then error("cannot map this one") else .id end` },
        properties: { visibility: `if .name == ${JSON.stringify(refused)} then "secret" else .visibility end` },
      },
      { kind: 'repository' },
    ]);
    sims.ado.faults.add({ kind: 'status', route: 'git.repositories.list', status: 400 });
    const run = await report(sims, { mapping });

    // Neither resource is clean: the run failed (it still wrote the other projects).
    expect(run.outcome).toBe('failed');
    const project = run.json.resources.find((r) => r.kind === 'project')!;
    const repository = run.json.resources.find((r) => r.kind === 'repository')!;
    // The JSON keeps the detail apart…
    expect({ failed: project.failed, mappingErrors: project.mappingErrors, failedTotal: project.failedTotal }).toEqual({ failed: 1, mappingErrors: 1, failedTotal: 2 });
    expect(repository.error).not.toBeNull();
    expect({ failed: repository.failed, mappingErrors: repository.mappingErrors, failedTotal: repository.failedTotal }).toEqual({ failed: 0, mappingErrors: 0, failedTotal: 1 });
    // …and every total is the outputs' number.
    expect(run.outputs.failed).toBe(3);
    expect(run.json.totals.failed).toBe(run.outputs.failed);
    expect({ listed: run.json.totals.listed, upserted: run.json.totals.upserted, unchanged: run.json.totals.unchanged, deleted: run.json.totals.deleted }).toEqual({
      listed: run.outputs.listed,
      upserted: run.outputs.upserted,
      unchanged: run.outputs.unchanged,
      deleted: run.outputs.deleted,
    });
    for (const table of [textTable(run.text), markdownTable(run.markdown)]) {
      expect(table.get('project #0')?.[FAILED]).toBe('2');
      expect(table.get('repository #1')?.[FAILED]).toBe('1');
      expect(table.get('total')?.slice(1, 6)).toEqual([run.outputs.listed, run.outputs.upserted, run.outputs.unchanged, run.outputs.failed, run.outputs.deleted].map(String));
    }
  });

  it('shows the items a resource skipped: in the JSON per resource and totals, and one line per such resource in text and Markdown', async () => {
    const [leftOut, unidentified] = projectNames();
    const mapping = await mappingFile([
      { kind: 'project', selector: { query: `.name != ${JSON.stringify(leftOut)}` }, mappings: { identifier: `if .name == ${JSON.stringify(unidentified)} then null else .id end` } },
      { kind: 'repository' },
    ]);
    const run = await report(sims, { mapping });

    expect(run.outcome).toBe('success');
    const project = run.json.resources.find((r) => r.kind === 'project')!;
    expect({ filteredOut: project.filteredOut, skippedNoIdentifier: project.skippedNoIdentifier, failedTotal: project.failedTotal }).toEqual({ filteredOut: 1, skippedNoIdentifier: 1, failedTotal: 0 });
    expect(run.json.resources.find((r) => r.kind === 'repository')).toMatchObject({ filteredOut: 0, skippedNoIdentifier: 0 });
    expect(run.json.totals).toMatchObject({ filteredOut: 1, skippedNoIdentifier: 1, failed: 0 });
    const line = 'project #0: 1 left out by the selector, 1 mapped to no identifier or blueprint.';
    expect(run.text).toContain(`Items skipped (no entity, not failures):\n- ${line}`);
    expect(run.markdown).toContain(`### Items skipped`);
    expect(run.markdown).toContain(`- ${line}`);
    // Only resources that skipped something have a line; the table keeps its columns.
    expect(run.text).not.toMatch(/repository #1: .*left out/);
    expect(textTable(run.text).get('project #0')).toHaveLength(10);
  });
});

describe("each resource's Port requests", () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ ado: { scale: 'tiny', seed: 6 } });
  });
  afterAll(async () => sims.close());

  it("are counted per resource, right while resources write at the same time: they add up to the run's writes and searches", async () => {
    sims.port.clearCalls();
    const run = await report(sims, { kinds: 'project,repository,pipeline' });
    expect(run.outcome).toBe('success');
    const calls = sims.port.calls();
    expect(run.json.portRequests, "the run's total is every request Port received").toBe(calls.length);
    const writesAndSearches = calls.filter((c) => c.method === 'POST' && (/^\/v1\/blueprints\/[^/]+\/entities(\/bulk)?$/.test(c.path) || c.path === '/v1/entities/search'));
    const perResource = run.json.resources.map((r) => r.portRequests);
    expect(perResource.reduce((a, b) => a + b, 0)).toBe(writesAndSearches.length);
    for (const resource of run.json.resources) {
      const blueprint = { project: 'azureDevopsProject', repository: 'azureDevopsRepository', pipeline: 'azureDevopsPipeline' }[resource.kind];
      const bulk = calls.filter((c) => c.path === `/v1/blueprints/${blueprint}/entities/bulk`).length;
      expect(bulk, `${resource.kind} wrote`).toBeGreaterThan(0);
      expect(resource.portRequests, `${resource.kind}: its bulk writes, and its searches if any`).toBeGreaterThanOrEqual(bulk);
    }

    // A second run finds everything unchanged: its requests are the resources' searches.
    sims.port.clearCalls();
    const again = await report(sims, { kinds: 'project,repository,pipeline' });
    const searches = sims.port.calls().filter((c) => c.path === '/v1/entities/search').length;
    expect(again.outputs.upserted).toBe(0);
    expect(again.json.resources.map((r) => r.portRequests).reduce((a, b) => a + b, 0)).toBe(searches);
    for (const resource of again.json.resources) expect(resource.portRequests, resource.kind).toBeGreaterThan(0);
  });
});
