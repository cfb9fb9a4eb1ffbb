import { z } from 'zod';
import type { BlueprintDefinition } from '../kinds/kind';
import type { PortClient } from './client';

const path = (identifier: string) => `/v1/blueprints/${encodeURIComponent(identifier)}`;

export class BlueprintApi {
  constructor(private readonly port: PortClient) {}

  private readonly relationCache = new Map<string, Promise<Record<string, string>>>();

  /** The target blueprint of each relation of a blueprint (read once per run). */
  relationTargets(identifier: string): Promise<Record<string, string>> {
    let entry = this.relationCache.get(identifier);
    if (!entry) {
      entry = this.port.request({ method: 'GET', path: path(identifier), retryable: true, accept: [404] }).then((response) => {
        const parsed = z.object({ blueprint: z.object({ relations: z.record(z.string(), z.object({ target: z.string() })).optional() }) }).safeParse(response.body);
        if (!parsed.success) return {};
        return Object.fromEntries(Object.entries(parsed.data.blueprint.relations ?? {}).map(([name, r]) => [name, r.target]));
      });
      this.relationCache.set(identifier, entry);
    }
    return entry;
  }

  async exists(identifier: string): Promise<boolean> {
    const response = await this.port.request({ method: 'GET', path: path(identifier), retryable: true, accept: [404] });
    return response.status !== 404;
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
  }
}
