import type { Volume } from '../kinds/kind';
import type { Location, RunReporter } from './reporter';
import { groupBy } from '../util/group-by';

/**
 * Which resources of the mapping may sync at the same time. Resources that write to a common
 * blueprint stay in one lane, in config order, so their writes to the same entity land in the
 * order Ocean would apply them; a resource whose blueprint is computed by jq could write anywhere,
 * and without `createMissingRelatedEntities` a child must not be written before its parent: in
 * both cases everything runs in one lane, in config order (BRIEF §4).
 *
 * Lanes run concurrently because one kind alone rarely keeps both services busy: a kind with few
 * Port writes waits on Azure DevOps (repository README reads), one with many waits on Port
 * (work items); together they overlap (docs/performance.md).
 */
export function resourceLanes(blueprintsOf: readonly (readonly (string | undefined)[])[], createMissingRelatedEntities: boolean): number[][] {
  const count = blueprintsOf.length;
  if (!createMissingRelatedEntities || blueprintsOf.some((targets) => targets.some((t) => t === undefined))) {
    return count === 0 ? [] : [Array.from({ length: count }, (_, i) => i)];
  }
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  const owner = new Map<string, number>();
  blueprintsOf.forEach((targets, i) => {
    for (const blueprint of targets as string[]) {
      const other = owner.get(blueprint);
      if (other === undefined) owner.set(blueprint, i);
      else parent[find(i)] = find(other);
    }
  });
  const lanes = groupBy(
    Array.from({ length: count }, (_, i) => i),
    find,
  );
  // Lanes start in the order of their first resource, so with fewer slots than lanes the mapping's order still leads.
  return [...lanes.values()].sort((a, b) => (a[0] as number) - (b[0] as number));
}

const VOLUME_WEIGHT: Record<Volume | 'usual', number> = { largest: 2, large: 1, usual: 0 };

/**
 * Lanes reordered so the heaviest start first (the heaviest resource of each counts), the
 * mapping's order among equals. With fewer slots than lanes, a long lane started last would run
 * alone at the end while the other slots sit idle: longest first is the classic remedy.
 */
export function heaviestFirst(lanes: readonly number[][], volumeOf: (order: number) => Volume | undefined): number[][] {
  const weight = (lane: readonly number[]) => Math.max(...lane.map((order) => VOLUME_WEIGHT[volumeOf(order) ?? 'usual']));
  return lanes.map((lane, at) => ({ lane, at, weight: weight(lane) })).sort((a, b) => b.weight - a.weight || a.at - b.at).map(({ lane }) => lane);
}

/** Runs every lane, at most `slots` at once, each lane's resources one after the other. */
export async function runLanes(lanes: readonly number[][], slots: number, run: (position: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < lanes.length) {
      const lane = lanes[next++] as number[];
      for (const position of lane) await run(position);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, lanes.length)) }, worker));
}

/** The resources a run syncs in lanes, and what it does with each. */
export type LaneRun<T, R> = {
  /** In mapping order. */
  resources: readonly T[];
  /** The blueprints a resource writes to; undefined for one computed by jq. */
  blueprintsOf: (resource: T) => readonly (string | undefined)[];
  volumeOf: (resource: T) => Volume | undefined;
  /** The title of a resource's log section. */
  labelOf: (resource: T) => string;
  createMissingRelatedEntities: boolean;
  /** How many lanes may run at once. */
  slots: number;
  reporter: RunReporter;
  /** Syncs one resource, logging to `log`; `finished()` counts the resources of every lane done so far. */
  sync: (resource: T, log: RunReporter, finished: () => number) => Promise<R>;
  /** A resource's closing lines, written after its section, in mapping order. */
  report: (result: R) => void;
  /** Called once the sections of this resource and of those before it are written; `finished` as above. */
  onReported: (resource: T, finished: number) => void;
};

/**
 * Syncs the resources in lanes (resourceLanes, heaviest first when more than one runs at a time)
 * and returns their results in mapping order. With several lanes at once each resource logs to a
 * HeldReporter, so the log still reads as one section per resource, in mapping order.
 */
export async function syncInLanes<T, R>(run: LaneRun<T, R>): Promise<R[]> {
  const { resources, reporter } = run;
  const at = (order: number) => resources[order] as T;
  const lanes = resourceLanes(
    resources.map((resource) => run.blueprintsOf(resource)),
    run.createMissingRelatedEntities,
  );
  const concurrent = lanes.length > 1 && run.slots > 1;
  const finished: { result: R; log: HeldReporter | undefined }[] = [];
  let reported = 0;
  let done = 0;
  let reporting = Promise.resolve();
  await runLanes(concurrent ? heaviestFirst(lanes, (order) => run.volumeOf(at(order))) : [lanes.flat()], run.slots, async (order) => {
    const resource = at(order);
    const log = concurrent ? new HeldReporter(reporter) : undefined;
    const sync = () => run.sync(resource, log ?? reporter, () => done);
    const result = log ? await sync() : await reporter.section(run.labelOf(resource), sync);
    done++;
    finished[order] = { result, log };
    // Sections are written in mapping order, each once its resource and those before it are done.
    reporting = reporting.then(async () => {
      for (let entry = finished[reported]; entry !== undefined; entry = finished[reported]) {
        if (entry.log) await entry.log.replay(run.labelOf(at(reported)));
        run.report(entry.result);
        reported++;
      }
    });
    await reporting;
    run.onReported(resource, done);
  });
  return finished.map((entry) => entry.result);
}

/**
 * A reporter for one resource among several running at once: its lines are held and replayed
 * inside its own log section when it ends, so sections never interleave. Progress goes straight
 * through.
 */
export class HeldReporter implements RunReporter {
  private readonly held: ((reporter: RunReporter) => void)[] = [];

  constructor(private readonly target: RunReporter) {}

  info(message: string): void {
    this.held.push((r) => r.info(message));
  }
  warn(message: string, location?: Location): void {
    this.held.push((r) => r.warn(message, location));
  }
  error(message: string, location?: Location): void {
    this.held.push((r) => r.error(message, location));
  }
  debug(message: string): void {
    this.held.push((r) => r.debug(message));
  }
  progress(fraction: number, text: string): void {
    this.target.progress(fraction, text);
  }
  section<T>(_title: string, body: () => Promise<T>): Promise<T> {
    return body();
  }

  /** Writes the held lines, in order, inside a section of the real reporter. */
  replay(title: string): Promise<void> {
    return this.target.section(title, async () => {
      for (const line of this.held) line(this.target);
    });
  }
}
