import { expect } from 'vitest';
import type { Simulators } from './simulators';
import type { ExpectedCatalog, ExpectedEntity } from './default-catalog-oracle';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Port holds exactly these entities for each blueprint (no more, no fewer), with the expected
 * title, properties and relations (only the fields the expectation names are compared).
 */
export function expectPortMatches(sims: Simulators, expected: ExpectedCatalog): void {
  for (const [blueprint, entities] of expected) expectBlueprint(sims, blueprint, entities);
}

export function expectBlueprint(sims: Simulators, blueprint: string, entities: ReadonlyMap<string, ExpectedEntity>): void {
  const stored = new Map(sims.port.entities(blueprint).map((e) => [e.identifier, e]));
  expect([...stored.keys()].sort(), `identifiers of ${blueprint}`).toEqual([...entities.keys()].sort());
  for (const [identifier, want] of entities) {
    const got = stored.get(identifier)!;
    if (want.title !== undefined) expect(got.title, `${blueprint} ${identifier} title`).toBe(want.title);
    for (const [key, value] of Object.entries(want.properties ?? {})) {
      const actual = got.properties[key] ?? null;
      // Azure DevOps writes some dates with 7 fractional digits; the instant is what must match.
      if (typeof value === 'string' && ISO_DATE.test(value) && typeof actual === 'string') {
        expect(Math.floor(Date.parse(actual)), `${blueprint} ${identifier} properties.${key}`).toBe(Date.parse(value));
      } else {
        expect(actual, `${blueprint} ${identifier} properties.${key}`).toEqual(value);
      }
    }
    for (const [key, value] of Object.entries(want.relations ?? {})) {
      expect(got.relations[key] ?? null, `${blueprint} ${identifier} relations.${key}`).toEqual(value);
    }
  }
}
