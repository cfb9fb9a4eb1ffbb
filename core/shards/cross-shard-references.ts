import type { PortClient } from '../port/client';
import { ownedBy, searchEntities, type Datasource } from '../port/entities';
import type { RunReporter } from '../sync/reporter';
import { chunks } from '../util/chunks';

/** A relation of an integration-written blueprint: `blueprint.relation` points at `target`. */
export type RelationEdge = { blueprint: string; relation: string; target: string };

const SEARCH_CHUNK = 50;

/**
 * Which deletion candidates an entity outside the candidate set still relates to. A single run
 * keeps relation targets of the entities it produced (Ocean's rule, port-api-and-ocean-core.md §2.9
 * step 5); a shard produced only its share, so it asks Port instead: an entity the integration
 * owns (any shard, any layout) that relates to a candidate keeps it, unless that entity is itself
 * a candidate. A pull request on shard 2 thereby keeps the user that shard 0 no longer lists, as a
 * single run would keep it.
 *
 * When Port cannot answer, every candidate of the affected blueprint is kept and a warning says
 * so: an unanswered question is never read as "nobody relates to it".
 */
export async function referencedFromOutside(input: {
  port: PortClient;
  /** The whole integration's ownership (prefix `port-ocean/azure-devops/`, suffix `/<id>/exporter`). */
  owner: Datasource;
  edges: readonly RelationEdge[];
  candidates: ReadonlyMap<string, readonly string[]>;
  reporter: RunReporter;
}): Promise<Map<string, Set<string>>> {
  const keep = new Map<string, Set<string>>();
  const doomed = new Set<string>();
  for (const [blueprint, identifiers] of input.candidates) for (const identifier of identifiers) doomed.add(key(blueprint, identifier));
  for (const edge of input.edges) {
    const targets = input.candidates.get(edge.target);
    if (!targets?.length) continue;
    let kept = keep.get(edge.target);
    if (!kept) keep.set(edge.target, (kept = new Set()));
    for (const chunk of chunks(targets, SEARCH_CHUNK)) {
      let referrers: { identifier: string; targets: string[] }[];
      try {
        referrers = await searchReferrers(input.port, input.owner, edge, chunk);
      } catch (error) {
        input.reporter.warn(
          `Could not ask Port which ${edge.blueprint} entities relate to stale ${edge.target} entities (${error instanceof Error ? error.message : String(error)}); none of them is deleted this run.`,
        );
        for (const identifier of targets) kept.add(identifier);
        break;
      }
      const wanted = new Set(chunk);
      for (const referrer of referrers) {
        if (doomed.has(key(edge.blueprint, referrer.identifier))) continue;
        for (const target of referrer.targets) if (wanted.has(target)) kept.add(target);
      }
    }
  }
  return keep;
}

async function searchReferrers(port: PortClient, owner: Datasource, edge: RelationEdge, chunk: readonly string[]): Promise<{ identifier: string; targets: string[] }[]> {
  const entities = await searchEntities(port, ['identifier', 'blueprint', `relations.${edge.relation}`], [
    { property: '$blueprint', operator: '=', value: edge.blueprint },
    ...ownedBy(owner),
    // A relation's identifier is a searchable property whose value is the target's identifier.
    { property: edge.relation, operator: 'in', value: chunk },
  ]);
  return entities.map((entity) => {
    const value = entity.relations?.[edge.relation];
    const targets = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
    return { identifier: entity.identifier, targets };
  });
}

const key = (blueprint: string, identifier: string) => `${blueprint}\u0000${identifier}`;
