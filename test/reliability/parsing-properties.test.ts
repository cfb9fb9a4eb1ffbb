/**
 * Property-based tests (fast-check) of bad input to the configuration and mapping parsers: for
 * any input, parsing either succeeds or reports problems the user can act on (named source, line
 * where there is one). It never crashes with another exception, and a bad value is never
 * silently accepted as something else. The config and mapping unit tests hold the round-trip,
 * precedence and secret properties; these add the garbage-in side.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ENVIRONMENT_VARIABLES, layerFromEnvironment, parseConfigFile, resolveConfig } from '../../core/config';
import { defaultPortAppConfig } from '../../core/kinds/defaults';
import { MappingConfigError, parsePortAppConfigYaml, portAppConfigFromObject } from '../../core/mapping/app-config';
import { compileResource } from '../../core/mapping/entity-mapper';
import { checkJqCompiles, createJqEngine, type JqEngine } from '../../core/mapping/jq-engine';

const VALID_ENV: Record<string, string> = {
  OCEAN__PORT__CLIENT_ID: 'client',
  OCEAN__PORT__CLIENT_SECRET: 'client-secret-value',
  OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso',
  OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'personal-access-token-value',
};
const NAMES = ENVIRONMENT_VARIABLES.map((v) => v.name);

/** Text as it arrives in a variable: anything, including control characters and JSON-ish fragments. */
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('', ' ', 'true', '0', '-1', 'https://', '{"type":"ONCE"}', '$(VAR)', '${VAR}'));

function resolveEnvironment(env: Record<string, string>): { ok: true } | { ok: false; error: ConfigError } {
  try {
    resolveConfig([layerFromEnvironment(env)]);
    return { ok: true };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
}

describe('property: configuration from variables', () => {
  it('any text in any variable is either accepted or a ConfigError naming that variable', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...NAMES), text, { minKeys: 1, maxKeys: 4 }), (garbage) => {
        const outcome = resolveEnvironment({ ...VALID_ENV, ...garbage });
        if (outcome.ok) return;
        for (const problem of outcome.error.problems) {
          expect(problem.message.length).toBeGreaterThan(0);
          // Each problem names a variable the user set, or says which variable to set.
          const named = [problem.source ?? '', problem.message].join(' ');
          expect(NAMES.some((name) => named.includes(name)), JSON.stringify(problem)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a value rejected for one variable is reported under that variable, and never replaced by a default', () => {
    fc.assert(
      fc.property(fc.constantFrom('OCEAN__INITIALIZE_PORT_RESOURCES', 'OCEAN__SEND_RAW_DATA_EXAMPLES', 'OCEAN__CLIENT_TIMEOUT', 'OCEAN__SCHEDULED_RESYNC_INTERVAL'), fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /[a-z]/i.test(s) && !/^\s*(true|false|yes|no|on|off|t|f|y|n)\s*$/i.test(s)), (name, value) => {
        const outcome = resolveEnvironment({ ...VALID_ENV, [name]: value });
        expect(outcome.ok, `${name}=${JSON.stringify(value)} accepted`).toBe(false);
        if (!outcome.ok) expect(outcome.error.problems.some((p) => p.source?.includes(name))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: the config file', () => {
  const parse = (source: string) => parseConfigFile(source, { env: {}, displayPath: 'port-ado-sync.yml', baseDir: '/repo' });

  it('any text gives a layer (never an exception), and every problem points into the file', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => stringify(v))), (source) => {
        const layer = parse(source);
        const lines = source.split('\n').length;
        for (const problem of layer.problems) {
          expect(problem.source, JSON.stringify(problem)).toMatch(/^port-ado-sync\.yml/);
          const line = /^port-ado-sync\.yml:(\d+)/.exec(problem.source ?? '')?.[1];
          if (line) expect(Number(line)).toBeLessThanOrEqual(lines + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a value of the wrong type at a known key is a problem at that key and line', () => {
    const leaves = [
      ['network', 'timeoutSeconds'],
      ['initializePortResources'],
      ['sendRawDataExamples'],
      ['filters', 'kinds'],
      ['azureDevOps', 'organizationUrl'],
      ['port', 'baseUrl'],
    ];
    const wrong = fc.oneof(fc.constant({ nested: true }), fc.constant([{ a: 1 }]), fc.constant('not a number or a boolean or a URL'));
    fc.assert(
      fc.property(fc.constantFrom(...leaves), wrong, (path, value) => {
        const document: Record<string, unknown> = {};
        let node = document;
        for (const key of path.slice(0, -1)) {
          const child: Record<string, unknown> = {};
          node[key] = child;
          node = child;
        }
        node[path.at(-1)!] = value;
        const layer = parse(stringify(document));
        const key = path.join('.');
        const reported = [...layer.problems.map((p) => p.source ?? ''), ...layer.entries.filter((e) => !e.result.ok).map((e) => e.source)];
        expect(reported.some((source) => /^port-ado-sync\.yml:\d+:\d+/.test(source) && source.includes(key)), `${key}=${JSON.stringify(value)}: ${JSON.stringify(reported)}`).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

function readMapping(read: () => unknown): { ok: true } | { ok: false; error: MappingConfigError } {
  try {
    read();
    return { ok: true };
  } catch (error) {
    if (error instanceof MappingConfigError) return { ok: false, error };
    throw error;
  }
}

describe('property: the mapping (port-app-config)', () => {
  it('any text as a mapping file is read or rejected with problems located in that file', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => stringify(v))), (source) => {
        const outcome = readMapping(() => parsePortAppConfigYaml(source, 'port-app-config.yml'));
        if (outcome.ok) return;
        const lines = source.split('\n').length;
        for (const problem of outcome.error.problems) {
          expect(problem.source.file).toBe('port-app-config.yml');
          if (problem.source.line !== undefined) expect(problem.source.line).toBeLessThanOrEqual(lines + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  /** Every path into a JSON value, for replacing one node. */
  function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
    if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
    return [prefix];
  }
  function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
    if (path.length === 0) return replacement;
    const [head, ...rest] = path;
    const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
    copy[head!] = replaceAt(copy[head!], rest, replacement);
    return copy;
  }

  it('one node of the default mapping replaced by any JSON value: read or rejected naming a path inside the mapping', () => {
    const base = JSON.parse(JSON.stringify(defaultPortAppConfig())) as unknown;
    const all = paths(base).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 }), (path, replacement) => {
        const outcome = readMapping(() => portAppConfigFromObject(replaceAt(base, path, replacement), 'the test mapping'));
        if (outcome.ok) return;
        for (const problem of outcome.error.problems) {
          expect(problem.source.file).toBe('the test mapping');
          expect(problem.message.length).toBeGreaterThan(0);
        }
        // A problem is reported at the changed node, inside it, or at a node it now leaves incomplete.
        const changed = path.join('.');
        const dotted = (p: string) => p.replace(/\[(\d+)\]/g, '.$1');
        expect(
          outcome.error.problems.some((p) => dotted(p.path).startsWith(changed) || changed.startsWith(dotted(p.path))),
          `${changed} → ${JSON.stringify(replacement)}: ${JSON.stringify(outcome.error.problems.map((p) => p.path))}`,
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  describe('jq', () => {
    let engine: JqEngine;
    beforeAll(async () => {
      engine = await createJqEngine();
    });

    it('any text as a jq field either compiles or is a problem naming that field and its jq', () => {
      const resource = (jq: string) =>
        parsePortAppConfigYaml(stringify({ resources: [{ kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', title: jq, blueprint: '"azureDevopsProject"' } } } }] }), 'jq.yml').resources[0]!;
      const jqish = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.constantFrom('.', 'name', '|', '(', ')', '[', ']', '{', '}', '"', "'", 'select', 'map', ' ', '+', '//', 'if', 'then', 'end', '$x', 'as', ';', '@uri', '?'), { maxLength: 12 }).map((parts) => parts.join('')));
      fc.assert(
        fc.property(jqish, (jq) => {
          const outcome = readMapping(() => compileResource(resource(jq), engine));
          if (outcome.ok) return;
          expect(outcome.error.problems.some((p) => p.path.endsWith('.title') && /\bjq\b/.test(p.message) && p.source.line === 9), JSON.stringify(outcome.error.problems)).toBe(true);
        }),
        // Leading dashes once reached jq's command line as options ("Unknown option -A"): a crash, not a problem.
        { numRuns: 200, examples: [['-A'], ['--arg'], ['-n'], ['-']] },
      );
    });

    it('an expression that starts with a dash is jq, not a jq command-line option', () => {
      expect(engine.run('-(.a)', { a: 5 })).toEqual([-5]);
      expect(engine.run('-1', null)).toEqual([-1]);
      expect(checkJqCompiles(engine, '-A')).toMatch(/A\/0 is not defined/);
      expect(checkJqCompiles(engine, '--arg')).toMatch(/arg\/0 is not defined/);
    });
  });
});
