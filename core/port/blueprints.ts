import { z } from 'zod';
import type { BlueprintDefinition } from '../kinds/kind';
import type { PortClient, PortRequest } from './client';
import { PortApiError } from './errors';

const path = (identifier: string) => `/v1/blueprints/${encodeURIComponent(identifier)}`;

const keyed = z.record(z.string(), z.unknown()).nullish();
const blueprintAnswer = z.object({
  blueprint: z.object({
    title: z.string().nullish(),
    schema: z.object({ properties: keyed }).optional(),
    relations: z.record(z.string(), z.object({ target: z.string() })).nullish(),
    mirrorProperties: keyed,
    calculationProperties: keyed,
    aggregationProperties: keyed,
  }),
});

/** What a blueprint in Port looks like, as far as telling one of the default blueprints goes. */
export type BlueprintShape = {
  title: string | undefined;
  properties: string[];
  /** Relation → target blueprint. */
  relations: Record<string, string>;
  mirrorProperties: string[];
  calculationProperties: string[];
  aggregationProperties: string[];
};

/** What the run needs to know of a blueprint: whether Port has it, its relations' targets, its shape. */
type BlueprintFacts = { found: boolean; relationTargets: Record<string, string>; shape?: BlueprintShape };

/**
 * Creating the default blueprints failed. What this run had created was deleted again, except
 * `leftBehind` (those deletes failed too): the next run completes those (see ensureIntegration).
 */
export class BlueprintCreationError extends Error {
  constructor(
    message: string,
    readonly leftBehind: readonly string[],
  ) {
    super(message);
  }
}

/** One request of a creation stage, for the blueprint it concerns. */
type StageRequest = { identifier: string; request: PortRequest };

export class BlueprintApi {
  constructor(private readonly port: PortClient) {}

  /** One read per blueprint per run: set-up, the mapping check and reconciliation all ask. */
  private readonly facts = new Map<string, Promise<BlueprintFacts>>();

  /** The target blueprint of each relation of a blueprint. */
  async relationTargets(identifier: string): Promise<Record<string, string>> {
    return (await this.read(identifier)).relationTargets;
  }

  async exists(identifier: string): Promise<boolean> {
    return (await this.read(identifier)).found;
  }

  /** The blueprint's title, property and relation names; undefined when Port has no such blueprint. */
  async shape(identifier: string): Promise<BlueprintShape | undefined> {
    return (await this.read(identifier)).shape;
  }

  private read(identifier: string): Promise<BlueprintFacts> {
    const known = this.facts.get(identifier);
    if (known) return known;
    const entry = this.port.request({ method: 'GET', path: path(identifier), retryable: true, accept: [404] }).then((response): BlueprintFacts => {
      if (response.status === 404) return { found: false, relationTargets: {} };
      // Never read as "no relations": reconciliation would stop protecting the targets of kept entities.
      const parsed = blueprintAnswer.safeParse(response.body);
      if (!parsed.success) throw new Error(`Port answered GET /v1/blueprints/${identifier} with something other than a blueprint.`);
      const shape = shapeOf(parsed.data.blueprint);
      return { found: true, relationTargets: shape.relations, shape };
    });
    // A failed read is not remembered: the next caller asks again.
    entry.catch(() => {
      if (this.facts.get(identifier) === entry) this.facts.delete(identifier);
    });
    this.facts.set(identifier, entry);
    return entry;
  }

  /**
   * Creates blueprints in three stages, as Ocean does (port-api-and-ocean-core.md §2.4): bare ones
   * first, then relations (whose targets now exist), then the full definitions with mirror,
   * calculation and aggregation properties that may read through those relations. Within a stage
   * the requests are independent and go out together, as Ocean sends them; a stage waits for every
   * one of its requests before the next starts.
   *
   * `existing`: blueprints a previous run left part-way (bare, or with their relations): they are
   * not created again, only given what they lack.
   *
   * Any failure (after a 429, which Port did not run, was sent again) rolls back: every blueprint
   * this run created is deleted again, as Ocean does, and a BlueprintCreationError says what
   * failed. A catalog half-made (bare blueprints without their relations) must not stay: the next
   * run would find default blueprints and leave the catalog as it is, and every entity would fail.
   */
  async createStaged(blueprints: readonly BlueprintDefinition[], options: { existing?: ReadonlyMap<string, BlueprintShape> } = {}): Promise<void> {
    const existing = options.existing ?? new Map<string, BlueprintShape>();
    const created: string[] = [];
    // A POST that failed with a 5xx or a lost connection may have created its blueprint all the same.
    const uncertain: string[] = [];
    const stages: { name: string; requests: StageRequest[] }[] = [
      {
        name: 'create the bare blueprints',
        requests: blueprints
          .filter((blueprint) => !existing.has(blueprint.identifier))
          .map((blueprint) => {
            const { relations: _r, mirrorProperties: _m, calculationProperties: _c, aggregationProperties: _a, ...bare } = blueprint;
            return { identifier: blueprint.identifier, request: { method: 'POST', path: '/v1/blueprints', query: { create_catalog_page: true }, body: { ...bare, relations: {} }, retryable: false } };
          }),
      },
      {
        name: 'add their relations',
        requests: blueprints
          .filter((blueprint) => lacksRelations(existing.get(blueprint.identifier)?.relations, blueprint.relations))
          .map((blueprint) => ({ identifier: blueprint.identifier, request: { method: 'PATCH', path: path(blueprint.identifier), body: { relations: blueprint.relations }, retryable: false } })),
      },
      {
        name: 'complete their definitions',
        requests: blueprints
          .filter((blueprint) => {
            const shape = existing.get(blueprint.identifier);
            return (
              (blueprint.mirrorProperties || blueprint.calculationProperties || blueprint.aggregationProperties) &&
              (!shape ||
                lacksKeys(shape.mirrorProperties, blueprint.mirrorProperties) ||
                lacksKeys(shape.calculationProperties, blueprint.calculationProperties) ||
                lacksKeys(shape.aggregationProperties, blueprint.aggregationProperties))
            );
          })
          .map((blueprint) => ({ identifier: blueprint.identifier, request: { method: 'PATCH', path: path(blueprint.identifier), body: blueprint, retryable: false } })),
      },
    ];
    for (const [index, stage] of stages.entries()) {
      const results = await Promise.allSettled(stage.requests.map(async (r) => void (await this.port.request(r.request))));
      const failures: { identifier: string; error: unknown }[] = [];
      for (const [i, result] of results.entries()) {
        const { identifier } = stage.requests[i] as StageRequest;
        if (result.status === 'fulfilled') {
          if (index === 0) created.push(identifier);
          continue;
        }
        failures.push({ identifier, error: result.reason });
        if (index === 0 && mayHaveRun(result.reason)) uncertain.push(identifier);
      }
      if (failures.length > 0) throw await this.rollBack(stage.name, stage.requests.length, failures, created, uncertain);
    }
    for (const blueprint of blueprints) {
      const relationTargets = Object.fromEntries(Object.entries(blueprint.relations).map(([name, relation]) => [name, relation.target]));
      this.facts.set(blueprint.identifier, Promise.resolve({ found: true, relationTargets, shape: shapeOfDefinition(blueprint) }));
    }
  }

  /** Deletes what this run created and builds the error that says what happened. */
  private async rollBack(
    stage: string,
    requests: number,
    failures: readonly { identifier: string; error: unknown }[],
    created: readonly string[],
    uncertain: readonly string[],
  ): Promise<BlueprintCreationError> {
    const first = failures[0] as { identifier: string; error: unknown };
    const reason = first.error instanceof Error ? first.error.message : String(first.error);
    const what = `Creating the default blueprints failed (${failures.length} of ${requests} requests to ${stage}; ${first.identifier}: ${reason}).`;
    const leftBehind = await this.deleteAll([...created, ...uncertain]);
    const deleted = created.filter((identifier) => !leftBehind.includes(identifier)).length;
    const undone =
      leftBehind.length === 0
        ? `${created.length === 0 ? 'No blueprint had been created' : `The ${deleted} blueprint(s) this run had created were deleted again`}, and the integration is not marked initialized: the next run creates the default blueprints again.`
        : `${deleted} of the blueprints this run had created were deleted again; ${leftBehind.join(', ')} could not be. The next run completes them (or delete them in Port's builder and run again).`;
    return new BlueprintCreationError(`${what} ${undone}`, leftBehind);
  }

  /**
   * Deletes the blueprints; returns those still there. Port refuses to delete a blueprint another
   * one relates to, so deletes that fail are tried again as long as a round deleted something, and
   * once more after the remaining ones lost their relations (a cycle between them).
   */
  private async deleteAll(identifiers: readonly string[]): Promise<string[]> {
    let remaining = [...identifiers];
    let unlinked = false;
    while (remaining.length > 0) {
      const results = await Promise.allSettled(remaining.map((identifier) => this.port.request({ method: 'DELETE', path: path(identifier), retryable: true, accept: [404] })));
      const left = remaining.filter((_, i) => results[i]?.status === 'rejected');
      for (const identifier of remaining) if (!left.includes(identifier)) this.facts.set(identifier, Promise.resolve({ found: false, relationTargets: {} }));
      if (left.length === remaining.length) {
        if (unlinked) break;
        unlinked = true;
        await Promise.allSettled(left.map((identifier) => this.port.request({ method: 'PATCH', path: path(identifier), body: { relations: {} }, retryable: false, accept: [404] })));
      }
      remaining = left;
    }
    for (const identifier of remaining) this.facts.delete(identifier);
    return remaining;
  }

}

/** Whether `have` (relation → target; undefined: the blueprint is new) lacks a relation of `want`. */
function lacksRelations(have: Readonly<Record<string, string>> | undefined, want: BlueprintDefinition['relations']): boolean {
  return Object.entries(want).some(([name, relation]) => have?.[name] !== relation.target);
}

/** Whether `have` lacks a key of `want`. */
function lacksKeys(have: readonly string[], want: Record<string, unknown> | undefined): boolean {
  return Object.keys(want ?? {}).some((key) => !have.includes(key));
}

/** A request that failed this way may have been carried out by Port before the answer was lost. */
function mayHaveRun(error: unknown): boolean {
  return !(error instanceof PortApiError) || error.status === undefined || error.status >= 500;
}

function shapeOf(b: z.infer<typeof blueprintAnswer>['blueprint']): BlueprintShape {
  return {
    title: b.title ?? undefined,
    properties: Object.keys(b.schema?.properties ?? {}),
    relations: Object.fromEntries(Object.entries(b.relations ?? {}).map(([name, r]) => [name, r.target])),
    mirrorProperties: Object.keys(b.mirrorProperties ?? {}),
    calculationProperties: Object.keys(b.calculationProperties ?? {}),
    aggregationProperties: Object.keys(b.aggregationProperties ?? {}),
  };
}

/** The shape a blueprint created from this definition has. */
export function shapeOfDefinition(blueprint: BlueprintDefinition): BlueprintShape {
  return {
    title: blueprint.title,
    properties: Object.keys(blueprint.schema.properties),
    relations: Object.fromEntries(Object.entries(blueprint.relations).map(([name, r]) => [name, r.target])),
    mirrorProperties: Object.keys(blueprint.mirrorProperties ?? {}),
    calculationProperties: Object.keys(blueprint.calculationProperties ?? {}),
    aggregationProperties: Object.keys(blueprint.aggregationProperties ?? {}),
  };
}
