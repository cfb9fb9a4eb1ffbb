import { describe, expect, it } from 'vitest';
import { defaultBlueprints, defaultPortAppConfig } from '../../core/kinds/defaults';
import { findKind, KINDS } from '../../core/kinds/registry';
import { compilePortAppConfig } from '../../core/mapping/entity-mapper';
import { portAppConfigFromObject } from '../../core/mapping/app-config';
import { checkJqCompiles, createJqEngine } from '../../core/mapping/jq-engine';
import { vettedExpressions } from '../../core/sync/prepare-mapping';
import { literalBlueprint } from '../../core/sync/resource-sync';

describe('the built-in default mapping and blueprints', () => {
  it('parses and every jq expression compiles', async () => {
    const config = portAppConfigFromObject(defaultPortAppConfig(), 'default');
    const mappers = compilePortAppConfig(config, await createJqEngine());
    expect(mappers).toHaveLength(config.resources.length);
  });

  it('every expression a run takes as checked compiles on its own', async () => {
    const engine = await createJqEngine();
    const vetted = [...vettedExpressions().keys()];
    expect(vetted.length).toBeGreaterThan(150);
    expect(vetted.filter((expression) => checkJqCompiles(engine, expression) !== undefined)).toEqual([]);
  });

  it('gives each run a map of its own: what one run checks does not count as checked for the next', () => {
    const first = vettedExpressions();
    first.set('.a user expression', 'a compile error');
    const second = vettedExpressions();
    expect(second).not.toBe(first);
    expect(second.has('.a user expression')).toBe(false);
    expect([...second.keys()]).toEqual([...first.keys()].filter((expression) => expression !== '.a user expression'));
  });

  it('every resource has a known kind whose selector accepts the default selector keys', () => {
    for (const resource of defaultPortAppConfig().resources) {
      const kind = findKind(resource.kind);
      expect(kind, resource.kind).toBeDefined();
      const { query: _q, ...keys } = resource.selector;
      expect(kind!.selector.safeParse(keys).success, resource.kind).toBe(true);
    }
  });

  it('writes only to default blueprints, and every relation targets a default blueprint', () => {
    const blueprints = new Map(defaultBlueprints().map((b) => [b.identifier, b]));
    for (const resource of defaultPortAppConfig().resources) {
      const blueprint = literalBlueprint(String(resource.port.entity.mappings.blueprint));
      expect(blueprint && blueprints.has(blueprint), `${resource.kind} → ${blueprint}`).toBe(true);
      const relations = Object.keys((resource.port.entity.mappings.relations as Record<string, string> | undefined) ?? {});
      for (const relation of relations) expect(blueprints.get(blueprint!)!.relations[relation], `${blueprint}.${relation}`).toBeDefined();
    }
    for (const blueprint of blueprints.values()) {
      for (const relation of Object.values(blueprint.relations)) expect(blueprints.has(relation.target), relation.target).toBe(true);
    }
  });

  it('lists every kind in the registry once', () => {
    const names = KINDS.map((k) => k.kind);
    expect(new Set(names).size).toBe(names.length);
  });
});
