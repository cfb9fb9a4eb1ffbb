import type { IncrementalScenarioResult } from './incremental-scenario';
import { table, type TargetCheck } from './report';
import { INCREMENTAL_TARGET_SHARE, SHARD_TARGET_RATIO } from './scenario-figures';
import type { ShardScenarioResult } from './shard-scenario';

const s = (seconds: number) => seconds.toFixed(1);

export function shardTargets(result: ShardScenarioResult): TargetCheck[] {
  const round = (n: number) => result.rounds.find((r) => r.n === n);
  const single = round(1);
  const four = round(4);
  const entities = new Set(result.rounds.map((r) => r.portEntities));
  return [
    {
      target: `4 shards < ${SHARD_TARGET_RATIO} × one job (TSTU budget the bottleneck)`,
      value: single && four ? `${s(four.slowestSeconds)} s / ${s(single.slowestSeconds)} s = ${result.target.ratio?.toFixed(2) ?? '?'}` : 'not measured',
      met: result.target.met,
    },
    { target: 'every round ends with the same entities in Port', value: [...entities].join(' / '), met: entities.size === 1 },
    { target: 'zero 429s', value: result.rounds.map((r) => r.azureDevOps.status429).join(' / '), met: result.rounds.every((r) => r.azureDevOps.status429 === 0) },
    { target: 'every shard succeeded', value: result.rounds.flatMap((r) => r.shards.map((x) => x.outcome)).join(', '), met: result.rounds.every((r) => r.shards.every((x) => x.outcome === 'success')) },
  ];
}

export function renderShards(result: ShardScenarioResult): string {
  const t = result.tstu;
  const lines = [
    `Scale ${result.scale}: scale-out over shards, each with its own Azure DevOps identity`,
    `Service model: Azure DevOps ${result.options.adoLatencyMs} ms, ≤${result.options.adoConcurrency} in flight per identity; Port ${result.options.portLatencyMs} ms, ≤${result.options.portConcurrency} in flight (shared)`,
    `TSTU model per identity: ${t.budget} TSTUs per ${s(t.windowMs / 1000)} s window; one job's minimal sync costs ${t.costOfMinimum.toFixed(0)} (budget bound ${s(t.budgetBoundSeconds)} s)`,
    '',
    table([
      ['shards', 'slowest s', 'slowest', 'ratio to 1', 'largest share', 'spread', 'ADO req', 'Port req', 'bulk writes', 'searches', '429s', 'delayed', 'entities', 'per-shard s'],
      ...result.rounds.map((r) => [
        String(r.n),
        s(r.slowestSeconds),
        r.slowestShard,
        r.ratioToSingle === undefined ? '–' : r.ratioToSingle.toFixed(2),
        r.largestShare.toFixed(2),
        r.spread.toFixed(2),
        String(r.azureDevOps.requests),
        String(r.port.requests),
        String(r.port.bulkWrites),
        String(r.port.searches),
        String(r.azureDevOps.status429),
        String(r.azureDevOps.delayedResponses),
        String(r.portEntities),
        r.shards.map((x) => s(x.wallSeconds)).join(' '),
      ]),
    ]),
    '',
    table([
      ['shard', 'wall s', 'engine s', 'ADO req', 'Port req', 'upserted', 'throttled s', 'CPU s', 'peak RSS', 'outcome'],
      ...result.rounds.flatMap((r) =>
        r.shards.map((x) => [x.shard, s(x.wallSeconds), s(x.engineSeconds), String(x.adoRequests), String(x.portRequests), String(x.upserted), s(x.throttledSeconds), s(x.cpuSeconds), `${x.peakRssMB.toFixed(0)} MB`, x.outcome]),
      ),
    ]),
    '',
    table([['target', 'measured', 'met'], ...shardTargets(result).map((c) => [c.target, c.value, c.met === null ? '–' : c.met ? 'yes' : 'NO'])]),
  ];
  const blueprints = [...new Set(result.rounds.flatMap((r) => Object.keys(r.portEntitiesPerBlueprint)))].sort();
  const differing = blueprints.filter((b) => new Set(result.rounds.map((r) => r.portEntitiesPerBlueprint[b] ?? 0)).size > 1);
  if (differing.length) lines.push('', `Blueprints whose entity count differs between rounds: ${differing.map((b) => `${b} (${result.rounds.map((r) => r.portEntitiesPerBlueprint[b] ?? 0).join(' / ')})`).join(', ')}`);
  const errors = result.rounds.flatMap((r) => r.shards.flatMap((x) => x.errors.map((e) => `${x.shard}: ${e}`)));
  if (errors.length) lines.push('', 'Errors logged by the engines:', ...errors.slice(0, 10).map((e) => `  ${e}`));
  return lines.join('\n');
}

export function incrementalTargets(result: IncrementalScenarioResult): TargetCheck[] {
  return [
    ...result.variants.map((v) => ({
      target: `incremental (${v.unfilteredKinds} unfiltered kinds) < ${INCREMENTAL_TARGET_SHARE * 100} % of a full run's ADO requests`,
      value: `${v.run.azureDevOps.requests} / ${result.full.azureDevOps.requests} = ${(v.adoRequestShare * 100).toFixed(1)} %`,
      met: v.met,
    })),
    { target: 'incremental runs delete nothing', value: result.variants.map((v) => v.run.deleted).join(' / '), met: result.variants.every((v) => v.run.deleted === 0) },
  ];
}

export function renderIncremental(result: IncrementalScenarioResult): string {
  const runs: [string, IncrementalScenarioResult['full']][] = [['full', result.full], ...result.variants.map((v): [string, IncrementalScenarioResult['full']] => [`incremental (${v.unfilteredKinds})`, v.run]), ['full, after', result.catchUp]];
  const full = result.full.azureDevOps.requests;
  const lines = [
    `Scale ${result.scale}: incremental runs after ${(100 * (result.variants[0]?.churn.fraction ?? 0)).toFixed(0)} % of the organization changed`,
    ...result.variants.map((v) => `  before incremental (${v.unfilteredKinds}): ${v.churn.changed.workItems} work items and ${v.churn.changed.pullRequests} active pull requests edited, ${v.churn.changed.newBuilds} new runs (seed ${v.churn.seed})`),
    '',
    table([
      ['run', 'wall s', 'ADO req', 'share of full', 'Port req', 'writes', 'upserted', 'unchanged', 'deleted', 'ADO in', 'outcome'],
      ...runs.map(([name, r]) => [
        name,
        s(r.wallSeconds),
        String(r.azureDevOps.requests),
        `${((100 * r.azureDevOps.requests) / full).toFixed(1)} %`,
        String(r.port.requests),
        String(r.port.bulkWrites + r.port.singleWrites),
        String(r.upserted),
        String(r.unchanged),
        String(r.deleted),
        `${(r.azureDevOps.bytesIn / 1e6).toFixed(1)} MB`,
        r.outcome,
      ]),
    ]),
  ];
  for (const v of result.variants) {
    lines.push('', `Cursors of incremental (${v.unfilteredKinds}), per resource listed through a change filter:`);
    const changes = (v.run.cursors ?? []).filter((c) => c.listing === 'changes');
    lines.push(
      table([
        ['resource', 'since', 'changed', 'advanced', 'ADO requests'],
        ...changes.map((c) => [`${c.kind} #${c.index}`, c.since ?? '–', String(c.changed), c.advanced ? 'yes' : 'no', String(v.run.resources.find((r) => r.index === c.index)?.requests ?? '?')]),
      ]),
      `By listing: ${Object.entries(v.listings).map(([listing, t]) => `${listing} ${t.resources} resources (${t.changed} changed, ${t.advanced} cursors advanced)`).join('; ')}`,
    );
  }
  lines.push('', table([['target', 'measured', 'met'], ...incrementalTargets(result).map((c) => [c.target, c.value, c.met === null ? '–' : c.met ? 'yes' : 'NO'])]));
  const errors = runs.flatMap(([name, r]) => r.errors.map((e) => `${name}: ${e}`));
  if (errors.length) lines.push('', 'Errors logged by the engine:', ...errors.slice(0, 10).map((e) => `  ${e}`));
  return lines.join('\n');
}
