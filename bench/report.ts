import type { RunFigures, ScaleResult } from './scenarios';

/** The targets of issue 10, each checked against the measured figures. */
export type TargetCheck = { target: string; value: string; met: boolean | null; note?: string };

const LIMIT_RSS_MB = 256;

export function checkTargets(result: ScaleResult): TargetCheck[] {
  const first = result.firstRun;
  const checks: TargetCheck[] = [
    { target: 'efficiency ≥ 0.6 (large scale)', value: first.efficiency.toFixed(2), met: first.efficiency >= 0.6, ...(result.scale === 'large' ? {} : { note: 'the target is set for large' }) },
    { target: `engine peak RSS ≤ ${LIMIT_RSS_MB} MB`, value: rssValue(result), met: maxRss(result) <= LIMIT_RSS_MB },
    {
      target: 'Azure DevOps requests ≤ 1.1 × minimum',
      value: `${first.azureDevOps.requests} / ${result.minimum.azureDevOpsRequests} = ${first.adoRequestsOverMinimum.toFixed(3)}`,
      met: first.adoRequestsOverMinimum <= 1.1,
    },
    {
      target: 'Port writes are bulk',
      value: `${first.port.bulkWrites} bulk (fewest ${result.minimum.portBulkWrites}), ${first.port.singleWrites} single`,
      met: first.port.singleWrites === 0 && first.bulkWritesOverMinimum <= 1.1,
    },
  ];
  if (result.secondRun) {
    const second = result.secondRun;
    const writes = second.port.bulkWrites + second.port.singleWrites;
    checks.push({ target: 'unchanged second run writes nothing', value: `${writes} writes, ${second.upserted} upserted`, met: writes === 0 && second.upserted === 0 });
    checks.push({ target: 'unchanged second run < 0.5 × first', value: `${second.wallSeconds.toFixed(1)} s / ${first.wallSeconds.toFixed(1)} s = ${second.ratioToFirst.toFixed(2)}`, met: second.ratioToFirst < 0.5 });
  }
  if (result.tstu) {
    const t = result.tstu;
    checks.push({ target: 'TSTU scenario: zero 429s', value: String(t.azureDevOps.status429), met: t.azureDevOps.status429 === 0 });
    checks.push({ target: 'TSTU scenario: wall ≤ 1.3 × budget bound', value: `${t.wallSeconds.toFixed(1)} s / ${(t.lowerBound.tstu?.seconds ?? 0).toFixed(1)} s = ${t.withinBudgetBound.toFixed(2)}`, met: t.withinBudgetBound <= 1.3 });
  }
  if (result.tstuError) checks.push({ target: 'TSTU scenario', value: result.tstuError, met: false });
  return checks;
}

type Peak = { peakRssMB: number };
type RssOf = { firstRun: Peak; secondRun?: Peak | undefined; tstu?: Peak | undefined };

function runPeaks(result: RssOf): [string, number][] {
  const peaks: [string, number | undefined][] = [
    ['first', result.firstRun.peakRssMB],
    ['unchanged', result.secondRun?.peakRssMB],
    ['TSTU', result.tstu?.peakRssMB],
  ];
  return peaks.filter((peak): peak is [string, number] => peak[1] !== undefined);
}

function maxRss(result: RssOf): number {
  return Math.max(...runPeaks(result).map(([, mb]) => mb));
}

/** The highest peak, which the target is judged by, and which run had it; the other runs' after it. */
export function rssValue(result: RssOf): string {
  const peaks = runPeaks(result);
  const [run, mb] = peaks.reduce((high, peak) => (peak[1] > high[1] ? peak : high));
  const others = peaks.filter((peak) => peak[0] !== run).map(([name, other]) => `${name} ${other.toFixed(0)}`);
  return `${mb.toFixed(0)} MB (${run}${others.length > 0 ? `; ${others.join(', ')}` : ''})`;
}

/** Medium → large memory growth (target < 1.5×) and the time and memory of every scale measured. */
export function scalingChecks(results: readonly ScaleResult[]): { rows: string[][]; memoryGrowth: TargetCheck | undefined } {
  const order = ['tiny', 'small', 'medium', 'large'];
  const sorted = [...results].sort((a, b) => order.indexOf(a.scale) - order.indexOf(b.scale));
  const rows = [
    ['scale', 'entities', 'wall s', 'entities/s', 'peak RSS MB', 'efficiency'],
    ...sorted.map((r) => [r.scale, String(r.firstRun.entities), r.firstRun.wallSeconds.toFixed(1), r.firstRun.entitiesPerSecond.toFixed(0), maxRss(r).toFixed(0), r.firstRun.efficiency.toFixed(2)]),
  ];
  const medium = results.find((r) => r.scale === 'medium');
  const large = results.find((r) => r.scale === 'large');
  const memoryGrowth =
    medium && large
      ? { target: 'peak RSS medium → large < 1.5×', value: `${maxRss(medium).toFixed(0)} → ${maxRss(large).toFixed(0)} MB = ${(maxRss(large) / maxRss(medium)).toFixed(2)}×`, met: maxRss(large) / maxRss(medium) < 1.5 }
      : undefined;
  return { rows, memoryGrowth };
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const bytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`);

/** What the Azure DevOps simulator did with repeated reads; results files before the memo have no `simMemo`: it made every answer afresh. */
export function simulatorLine(simMemo: boolean | undefined, runs: readonly (readonly [string, { azureDevOps: { requests: number; replayed: number } }])[]): string {
  if (simMemo !== true) return 'Azure DevOps simulator: every answer made afresh (--no-sim-memo)';
  const counts = runs.map(([name, r]) => `${r.azureDevOps.replayed} of ${r.azureDevOps.requests} in the ${name} run`);
  return `Azure DevOps simulator: replays answers of an unchanged organization (${counts.join(', ')})`;
}

/** The terminal report of one scale. */
export function renderScale(result: ScaleResult): string {
  const runs: [string, ScaleResult['firstRun'] | NonNullable<ScaleResult['secondRun']> | NonNullable<ScaleResult['tstu']>][] = [['first', result.firstRun]];
  if (result.secondRun) runs.push(['unchanged', result.secondRun]);
  if (result.tstu) runs.push(['TSTU budget', result.tstu]);
  const rows = [
    ['run', 'wall s', 'entities', 'ent/s', 'ADO req', 'Port req', 'writes', 'ADO in', 'Port out/in', 'peak RSS', 'CPU s eng (main)/ado/port', 'throttled s', '429s', 'bound s', 'efficiency'],
    ...runs.map(([name, r]) => {
      const bound = 'lowerBound' in r ? r.lowerBound : undefined;
      return [
        name,
        r.wallSeconds.toFixed(1),
        String(r.entities),
        r.entitiesPerSecond.toFixed(0),
        String(r.azureDevOps.requests),
        String(r.port.requests),
        String(r.port.bulkWrites + r.port.singleWrites),
        bytes(r.azureDevOps.bytesIn),
        `${bytes(r.port.bytesIn)}/${bytes(r.port.bytesOut)}`,
        `${r.peakRssMB.toFixed(0)} MB`,
        cpuCell(r),
        r.throttledSeconds.toFixed(1),
        String(r.azureDevOps.status429),
        bound ? `${bound.seconds.toFixed(1)} (${bound.limitedBy})` : '–',
        bound ? (bound.seconds / r.wallSeconds).toFixed(2) : '–',
      ];
    }),
  ];
  const m = result.minimum;
  const lines = [
    `Scale ${result.scale}: ${result.firstRun.entities} entities from ${result.kinds.mapped.length} kinds (${result.kinds.mapped.join(', ')})`,
    `Service model: Azure DevOps ${result.options.adoLatencyMs} ms, ≤${result.options.adoConcurrency} in flight; Port ${result.options.portLatencyMs} ms, ≤${result.options.portConcurrency} in flight`,
    simulatorLine(result.options.simMemo, runs),
    `Minimum: ${m.azureDevOpsRequests} Azure DevOps requests (${m.listingRequests} listing + ${Object.entries(m.mappingFanOut).map(([k, v]) => `${v} ${k}`).join(' + ') || '0 mapping fan-out'}), ${m.portBulkWrites} Port bulk writes`,
    '',
    table(rows),
    '',
    table([['target', 'measured', 'met'], ...checkTargets(result).map((c) => [c.target, c.value, c.met === null ? '–' : c.met ? 'yes' : `NO${c.note ? ` (${c.note})` : ''}`])]),
  ];
  const memoryRows = runs.flatMap(([name, r]) => {
    const m = r.memoryAtPeakRssMB;
    if (!m) return [];
    const f = (n: number) => n.toFixed(0);
    const gc = r.gc;
    return [[name, f(m.rss), f(m.heapTotal), f(m.heapUsed), f(m.youngGenerationCommitted), f(m.external), f(m.arrayBuffers), `${gc.minorSeconds.toFixed(1)} (${gc.minorCount})`, `${gc.majorSeconds.toFixed(1)} (${gc.majorCount})`, gc.incrementalSeconds.toFixed(1)]];
  });
  if (memoryRows.length) {
    lines.push('', 'Engine memory at its highest sampled RSS (MB; external includes the jq-wasm memories, 16 MB each, mostly not resident), and its GC pauses (s, count):');
    lines.push(table([['run', 'RSS', 'heap total', 'heap used', 'young gen', 'external', 'array buffers', 'scavenges', 'full GCs', 'incremental'], ...memoryRows]));
  }
  lines.push(
    '',
    'First run per resource (seconds overlap: resources run concurrently):',
    table([
      ['resource', 'listed', 'upserted', 'seconds', 'ADO requests', 'throttled s'],
      ...result.firstRun.resources.map((r, i) => [`${r.kind} #${i}`, String(r.listed), String(r.upserted), r.seconds.toFixed(1), String(r.requests), r.throttledSeconds.toFixed(1)]),
    ]),
  );
  if (result.kinds.unknownToSimulator.length) lines.push('', `Kinds the simulator has no minimum for (not in the bound): ${result.kinds.unknownToSimulator.join(', ')}`);
  const failures = [result.firstRun, result.secondRun, result.tstu].flatMap((r) => (r ? r.errors : []));
  if (failures.length) lines.push('', 'Errors logged by the engine:', ...failures.slice(0, 10).map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Engine CPU with its main thread's share in parentheses, then each simulator's: `36 (27)/5/7`. */
export function cpuCell(r: Pick<RunFigures, 'cpuSeconds' | 'mainThreadCpuSeconds' | 'simulatorCpuSeconds'>): string {
  const n = (c: number | undefined) => (c === undefined ? '?' : c.toFixed(0));
  const engine = r.mainThreadCpuSeconds === undefined ? n(r.cpuSeconds) : `${n(r.cpuSeconds)} (${n(r.mainThreadCpuSeconds)})`;
  return [engine, n(r.simulatorCpuSeconds.azureDevOps), n(r.simulatorCpuSeconds.port)].join('/');
}
