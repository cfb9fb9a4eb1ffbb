import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { layerFromEnvironment, layerFromFlags, resolveConfig, RESOURCE_KINDS } from '../../core/config';
import { kindsFilterSchema } from '../../core/config/model';
import { defineKind } from '../../core/kinds/kind';
import { KINDS, kindNames } from '../../core/kinds/registry';
import { kindScope } from '../../core/shards/kind-scope';
import { CWD, validEnv } from './config/fixtures';

/** Adding a kind is one module, its test and one line in core/kinds/registry.ts: nothing else lists kinds. */
describe('the kind registry is the one list of kinds', () => {
  it('names every kind once', () => {
    expect(new Set(kindNames()).size).toBe(KINDS.length);
  });

  it('is what `--kinds` (filters.kinds) accepts, kind by kind and all at once', () => {
    expect([...RESOURCE_KINDS]).toEqual(kindNames());
    for (const kind of KINDS) expect(kindsFilterSchema.safeParse([kind.kind]).success, kind.kind).toBe(true);
    const { config } = resolveConfig([layerFromEnvironment(validEnv()), layerFromFlags({ kinds: kindNames().join(',') }, { cwd: CWD })]);
    expect(config.filters.kinds).toEqual(kindNames());
  });

  it('gives every kind a scope for --shard, from its module', () => {
    for (const kind of KINDS) {
      expect(['organization', 'project', undefined], kind.kind).toContain(kind.scope);
      expect(kindScope(kind.kind), kind.kind).toBe(kind.scope ?? 'project');
    }
  });

  it('gives every kind an object selector schema, whose keys the mapping checks read', () => {
    for (const kind of KINDS) expect(kind.selector, kind.kind).toBeInstanceOf(z.ZodObject);
    const rest = { kind: 'x', description: '', endpoints: [], enrichment: {}, availability: 'cloud-and-server' as const, permission: '', list: async function* () {}, defaults: { blueprints: [], resources: [] } };
    expect(defineKind({ ...rest, selector: z.object({}) }).kind).toBe('x');
    // @ts-expect-error a selector must be a z.object
    expect(defineKind({ ...rest, selector: z.string() }).kind).toBe('x');
  });

  it('loads nothing of core/config, which imports it (no import cycle)', () => {
    const root = resolve(__dirname, '../..');
    const seen = new Set<string>();
    const pending = [join(root, 'core/kinds/registry.ts')];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      // Value imports only: a type-only import leaves nothing at run time.
      for (const [, path] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms)) {
        const base = resolve(dirname(file), path!);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (target) pending.push(target);
      }
    }
    expect([...seen].map((file) => relative(root, file)).filter((file) => file.startsWith('core/config/'))).toEqual([]);
    expect(seen.size).toBeGreaterThan(KINDS.length);
  });
});
