import { z } from 'zod';
import type { BlueprintDefinition } from '../kinds/kind';
import type { PortClient } from './client';

const path = (identifier: string) => `/v1/blueprints/${encodeURIComponent(identifier)}`;

const blueprintAnswer = z.object({ blueprint: z.object({ relations: z.record(z.string(), z.object({ target: z.string() })).optional() }) });

/** What the run needs to know of a blueprint: whether Port has it, and its relations' targets. */
type BlueprintFacts = { found: boolean; relationTargets: Record<string, string> };

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

  private read(identifier: string): Promise<BlueprintFacts> {
    const known = this.facts.get(identifier);
    if (known) return known;
    const entry = this.port.request({ method: 'GET', path: path(identifier), retryable: true, accept: [404] }).then((response) => {
      if (response.status === 404) return { found: false, relationTargets: {} };
      const parsed = blueprintAnswer.safeParse(response.body);
      const relations = parsed.success ? (parsed.data.blueprint.relations ?? {}) : {};
      return { found: true, relationTargets: Object.fromEntries(Object.entries(relations).map(([name, r]) => [name, r.target])) };
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
   * the requests are independent and go out together, as Ocean sends them.
   */
  async createStaged(blueprints: readonly BlueprintDefinition[]): Promise<void> {
    await Promise.all(
      blueprints.map((blueprint) => {
        const { relations: _r, mirrorProperties: _m, calculationProperties: _c, aggregationProperties: _a, ...bare } = blueprint;
        return this.port.request({ method: 'POST', path: '/v1/blueprints', query: { create_catalog_page: true }, body: { ...bare, relations: {} }, retryable: false });
      }),
    );
    await Promise.all(
      blueprints
        .filter((blueprint) => Object.keys(blueprint.relations).length > 0)
        .map((blueprint) => this.port.request({ method: 'PATCH', path: path(blueprint.identifier), body: { relations: blueprint.relations }, retryable: false })),
    );
    await Promise.all(
      blueprints
        .filter((blueprint) => blueprint.mirrorProperties || blueprint.calculationProperties || blueprint.aggregationProperties)
        .map((blueprint) => this.port.request({ method: 'PATCH', path: path(blueprint.identifier), body: blueprint, retryable: false })),
    );
    for (const blueprint of blueprints) {
      const relationTargets = Object.fromEntries(Object.entries(blueprint.relations).map(([name, relation]) => [name, relation.target]));
      this.facts.set(blueprint.identifier, Promise.resolve({ found: true, relationTargets }));
    }
  }
}
