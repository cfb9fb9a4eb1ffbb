import { identifierText, type EntityApi, type PortEntity } from '../port/entities';
import type { RunReporter } from './reporter';
import { recordFailure, type ResourceStats } from './stats';

/** Passes over what still fails; each must write something for the next to run. */
const MAX_PASSES = 5;

type Pending = { stats: ResourceStats; blueprint: string; entity: PortEntity; message: string };

/**
 * With `createMissingRelatedEntities: false`, Port refuses (404 not_found) an entity whose relation
 * target does not exist yet: a resource whose entities point at those of a later resource. Ocean
 * queues them and, at the end of the resync, sends them again one by one through the single-entity
 * endpoint, targets first (port-api-and-ocean-core.md §2.8). So does this, once every resource has
 * finished: blueprints whose relations point at another pending blueprint go after it (the mapping
 * order on a cycle, or when a blueprint cannot be read), and passes repeat while they write
 * something (a chain within one blueprint, a parent work item, needs one pass per link), at most
 * MAX_PASSES. Only what still fails then counts as failed, on the resource that wrote it.
 */
export async function resendUnmetDependencies(
  results: readonly ResourceStats[],
  deps: { entities: Pick<EntityApi, 'upsertOne'>; relationTargets?: (blueprint: string) => Promise<Record<string, string>>; reporter: RunReporter },
): Promise<void> {
  let pending: Pending[] = results.flatMap((stats) => stats.unmetDependencies.splice(0).map((entry) => ({ stats, ...entry })));
  if (pending.length === 0) return;
  const total = pending.length;
  deps.reporter.info(`Sending ${total} entit${total === 1 ? 'y' : 'ies'} again, one by one, that Port refused for a missing relation target (createMissingRelatedEntities is off).`);
  const order = await targetsFirst(
    pending.map((p) => p.blueprint),
    deps.relationTargets,
  );
  let written = 0;
  for (let pass = 1; pass <= MAX_PASSES && pending.length > 0; pass++) {
    const failed: Pending[] = [];
    let progress = 0;
    for (const blueprint of order) {
      const group = pending.filter((p) => p.blueprint === blueprint);
      // One blueprint's entities go out together (the client bounds the requests in flight).
      await Promise.all(
        group.map(async (item) => {
          try {
            const outcome = await deps.entities.upsertOne(item.blueprint, item.entity);
            if (outcome.upserted > 0) {
              item.stats.upserted += outcome.upserted;
              progress++;
            } else failed.push({ ...item, message: outcome.failed[0]?.message ?? item.message });
          } catch (error) {
            failed.push({ ...item, message: error instanceof Error ? error.message : String(error) });
          }
        }),
      );
    }
    written += progress;
    pending = failed;
    if (progress === 0) break;
  }
  for (const item of pending) {
    item.stats.failed++;
    recordFailure(item.stats, { identifier: identifierText(item.entity.identifier), message: item.message });
  }
  const line = `Sent again ${total} entit${total === 1 ? 'y' : 'ies'} refused for a missing relation target: ${written} written, ${pending.length} still failed.`;
  if (pending.length > 0) {
    deps.reporter.warn(line);
    for (const item of pending.slice(0, 5)) deps.reporter.warn(`${item.stats.label}: entity ${identifierText(item.entity.identifier)} was rejected by Port: ${item.message}`);
  } else deps.reporter.info(line);
}

/**
 * The blueprints in an order where a relation's target comes before its source, when the targets
 * can be read; otherwise (and among blueprints unrelated or in a cycle) in the order given.
 */
async function targetsFirst(blueprints: readonly string[], relationTargets: ((blueprint: string) => Promise<Record<string, string>>) | undefined): Promise<string[]> {
  const distinct = [...new Set(blueprints)];
  if (!relationTargets || distinct.length < 2) return distinct;
  const targets = new Map<string, string[]>();
  await Promise.all(
    distinct.map(async (blueprint) => {
      const relations = await relationTargets(blueprint).catch(() => ({}));
      targets.set(
        blueprint,
        Object.values(relations).filter((t) => t !== blueprint && distinct.includes(t)),
      );
    }),
  );
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (blueprint: string) => {
    if (state.has(blueprint)) return; // done, or a cycle: the order given decides
    state.set(blueprint, 'visiting');
    for (const target of targets.get(blueprint) ?? []) visit(target);
    state.set(blueprint, 'done');
    ordered.push(blueprint);
  };
  for (const blueprint of distinct) visit(blueprint);
  return ordered;
}
