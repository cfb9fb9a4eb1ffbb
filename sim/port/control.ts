import { z } from 'zod';
import { inspectionView } from './entity-view';
import { parseEntityInput } from './entity-input';
import { PortApiError } from './errors';
import { faultRuleSchema, type ActiveFault, type FaultRule } from './faults';
import type { Blueprint, Counters, Integration, IntegrationRecords, RecordedCall } from './model';
import type { PortSimulatorCore } from './server';
import { parseRoute } from './validate';

/** An entity as the inspection API shows it: Port's view plus the recorded datasource. */
export type InspectedEntity = {
  identifier: string;
  blueprint: string;
  title: string | null;
  icon?: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, string | string[]>;
  datasource: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
};

export type InspectedIntegration = Integration & { records: IntegrationRecords };

export type SimulatorState = {
  blueprints: Blueprint[];
  entities: Record<string, InspectedEntity[]>;
  integrations: InspectedIntegration[];
  counters: Counters;
  faults: ActiveFault[];
};

export type SeedEntityOptions = {
  /** The datasource to record (default: none, as if written by a person in Port's UI). */
  datasource?: string | null;
  createdAt?: string;
  updatedAt?: string;
  createMissingRelatedEntities?: boolean;
};

export type CallFilter = { method?: string; path?: string | RegExp };

/** The in-process inspection and control API; `/_sim/…` exposes the same over HTTP. */
export class SimulatorControl {
  constructor(private readonly core: PortSimulatorCore) {}

  blueprints(): Blueprint[] {
    return structuredClone([...this.core.store.blueprints.values()]);
  }

  blueprint(identifier: string): Blueprint | undefined {
    const found = this.core.store.blueprints.get(identifier);
    return found ? structuredClone(found) : undefined;
  }

  entities(blueprint?: string): InspectedEntity[] {
    const source = blueprint === undefined ? [...this.core.store.allEntities()] : [...(this.core.store.entities.get(blueprint)?.values() ?? [])];
    return source.map((e) => structuredClone(inspectionView(e)) as InspectedEntity);
  }

  entity(blueprint: string, identifier: string): InspectedEntity | undefined {
    const found = this.core.store.getEntity(blueprint, identifier);
    return found ? (structuredClone(inspectionView(found)) as InspectedEntity) : undefined;
  }

  integrations(): InspectedIntegration[] {
    return [...this.core.store.integrations.keys()].map((id) => this.integration(id) as InspectedIntegration);
  }

  integration(id: string): InspectedIntegration | undefined {
    const found = this.core.store.integrations.get(id);
    if (!found) return undefined;
    return structuredClone({ ...found, records: this.core.store.recordsOf(id) });
  }

  calls(filter: CallFilter = {}): RecordedCall[] {
    return this.core.recorder.calls.filter((call) => {
      if (filter.method && call.method !== filter.method.toUpperCase()) return false;
      if (typeof filter.path === 'string' && !call.path.startsWith(filter.path)) return false;
      if (filter.path instanceof RegExp && !filter.path.test(call.path)) return false;
      return true;
    });
  }

  clearCalls(): void {
    this.core.recorder.reset();
  }

  counters(): Counters {
    return structuredClone(this.core.recorder.counters);
  }

  expireTokens(): void {
    this.core.tokens.expireAll();
  }

  injectFault(rule: FaultRule): ActiveFault {
    return this.core.faults.add(rule);
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  faults(): ActiveFault[] {
    return this.core.faults.list();
  }

  /** Forgets all data, calls, counters and faults; issued tokens stay valid. */
  reset(): void {
    this.core.store.clear();
    this.core.recorder.reset();
    this.core.faults.clear();
  }

  state(): SimulatorState {
    const entities: Record<string, InspectedEntity[]> = {};
    for (const blueprint of this.core.store.entities.keys()) entities[blueprint] = this.entities(blueprint);
    return { blueprints: this.blueprints(), entities, integrations: this.integrations(), counters: this.counters(), faults: this.faults() };
  }

  readonly seed = {
    /** Creates or replaces a blueprint, validated like POST /v1/blueprints. */
    blueprint: (blueprint: unknown): Blueprint => structuredClone(this.core.blueprints.seed(blueprint, 'seed')),
    blueprints: (blueprints: unknown[]): Blueprint[] => blueprints.map((b) => this.seed.blueprint(b)),
    /** Writes entities as an upsert would, but with the given datasource and timestamps. */
    entities: (blueprint: string, entities: unknown[], options: SeedEntityOptions = {}): InspectedEntity[] => {
      const bp = this.core.blueprints.get(blueprint);
      return entities.map((raw, index) => {
        const result = this.core.writer.write(bp, parseEntityInput(raw, `entities.${index}`), {
          upsert: true,
          merge: false,
          createMissingRelatedEntities: options.createMissingRelatedEntities ?? false,
          validationOnly: false,
          datasource: options.datasource ?? null,
          actor: 'seed',
          ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
          ...(options.updatedAt !== undefined ? { updatedAt: options.updatedAt } : {}),
        });
        return structuredClone(inspectionView(result.entity)) as InspectedEntity;
      });
    },
    /** Registers an integration as POST /v1/integration would. */
    integration: (body: unknown): InspectedIntegration => {
      // A seed may be an integration Port hosts; the API only creates self-hosted ones.
      const { installationType, ...rest } = isJsonRecord(body) ? body : { installationType: undefined };
      const created = this.core.integrations.create(isJsonRecord(body) ? rest : body, 'seed');
      const stored = this.core.store.integrations.get(created.installationId);
      if (stored && typeof installationType === 'string') stored.installationType = installationType;
      return this.integration(created.installationId) as InspectedIntegration;
    },
  };
}

const seedEntitiesBody = z.looseObject({
  blueprint: z.string().min(1),
  entities: z.array(z.unknown()),
  datasource: z.string().nullable().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  createMissingRelatedEntities: z.boolean().optional(),
});

export function registerControlRoutes(core: PortSimulatorCore, control: SimulatorControl): void {
  const r = core.control;
  const ok = (body: Record<string, unknown> = {}) => ({ status: 200, body: { ok: true, ...body } });
  r.add('GET', '/_sim/state', () => ok({ state: control.state() }));
  r.add('GET', '/_sim/counters', () => ok({ counters: control.counters() }));
  r.add('GET', '/_sim/calls', (ctx) => {
    const method = ctx.query.get('method') ?? undefined;
    const path = ctx.query.get('path') ?? undefined;
    return ok({ calls: control.calls({ ...(method ? { method } : {}), ...(path ? { path } : {}) }) });
  });
  r.add('DELETE', '/_sim/calls', () => {
    control.clearCalls();
    return ok();
  });
  r.add('GET', '/_sim/blueprints', () => ok({ blueprints: control.blueprints() }));
  r.add('GET', '/_sim/entities', (ctx) => ok({ entities: control.entities(ctx.query.get('blueprint') ?? undefined) }));
  r.add('GET', '/_sim/integrations/:id', (ctx) => {
    const integration = control.integration(ctx.params['id'] as string);
    if (!integration) throw new PortApiError(404, 'not_found', `Integration "${ctx.params['id']}" was not found`);
    return ok({ integration });
  });
  r.add('GET', '/_sim/faults', () => ok({ faults: control.faults() }));
  r.add('POST', '/_sim/faults', (ctx) => ({ status: 201, body: { ok: true, fault: control.injectFault(parseRoute(faultRuleSchema, ctx.body)) } }));
  r.add('DELETE', '/_sim/faults', () => {
    control.clearFaults();
    return ok();
  });
  r.add('POST', '/_sim/reset', () => {
    control.reset();
    return ok();
  });
  r.add('POST', '/_sim/expire-tokens', () => {
    control.expireTokens();
    return ok();
  });
  r.add('POST', '/_sim/seed/blueprints', (ctx) => {
    const body = parseRoute(z.looseObject({ blueprints: z.array(z.unknown()) }), ctx.body);
    return ok({ blueprints: control.seed.blueprints(body.blueprints) });
  });
  r.add('POST', '/_sim/seed/entities', (ctx) => {
    const body = parseRoute(seedEntitiesBody, ctx.body);
    const options: SeedEntityOptions = {
      ...(body.datasource !== undefined ? { datasource: body.datasource } : {}),
      ...(body.createdAt !== undefined ? { createdAt: body.createdAt } : {}),
      ...(body.updatedAt !== undefined ? { updatedAt: body.updatedAt } : {}),
      ...(body.createMissingRelatedEntities !== undefined ? { createMissingRelatedEntities: body.createMissingRelatedEntities } : {}),
    };
    return ok({ entities: control.seed.entities(body.blueprint, body.entities, options) });
  });
  r.add('POST', '/_sim/seed/integrations', (ctx) => ok({ integration: control.seed.integration(ctx.body) }));
}

function isJsonRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
