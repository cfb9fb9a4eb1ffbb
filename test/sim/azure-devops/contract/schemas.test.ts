import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../../../sim/azure-devops/api/routes';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../../sim/azure-devops/index';
import { send } from '../helpers';
import { contractRequests, ensureSubscription, NOT_IN_SPECS, SPEC_ALIASES, type ContractRequest } from './requests';
import { indexOperations, loadSpecs, normalizeSuffix, SpecValidator, withoutNulls, type SpecOperation } from './specs';

/**
 * Every route the simulator serves, called and validated against the official spec's declared
 * response schema: lists as `{count: int, value: [item]}` of the declared item type.
 */

let sim: AzureDevOpsSimulator;
const specs = loadSpecs();
const operations = indexOperations(specs);
const validator = new SpecValidator();
const routes = allRoutes();

const HOST_PREFIX: Record<string, string> = { core: '', release: 'vsrm.', graph: 'vssps.', entitlements: 'vsaex.', advsec: 'advsec.' };

beforeAll(async () => {
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', alerts: 40, releases: 30, testRuns: 30, deploymentRecords: 40 }, seed: 2 });
  ensureSubscription(sim);
});
afterAll(async () => {
  await sim.close();
});

function specFor(routeId: string, method: string, path: string, operationId?: string): SpecOperation | undefined {
  const key = SPEC_ALIASES[routeId] ?? `${method} ${normalizeSuffix(path.replace('{*', '{'))}`;
  const candidates = operations.get(key) ?? [];
  if (operationId) return candidates.find((c) => c.operation.operationId === operationId);
  // x-ms-paths give several operations for one template; prefer one that declares an object or array.
  return candidates.find((c) => c.operation.responses?.['200']?.schema?.format !== 'Stream') ?? candidates[0];
}

describe('route table against the specs', () => {
  it('finds a spec operation for every served route (except the documented ones)', () => {
    const missing = routes.filter((r) => !NOT_IN_SPECS.has(r.id) && !specFor(r.id, r.method, r.path)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('declares the api-version the spec names for each route', () => {
    const mismatched: string[] = [];
    for (const r of routes) {
      const op = specFor(r.id, r.method, r.path);
      if (!op) continue;
      const ref = op.operation.parameters?.map((p) => p.$ref).find((x): x is string => typeof x === 'string' && x.includes('api-Version'));
      const description = ref ? op.file.doc.parameters?.[ref.split('/').pop() ?? '']?.description : undefined;
      const declared = typeof description === 'string' ? description : '';
      const version = /'([^']+)'/.exec(declared)?.[1];
      if (version && version !== r.version) mismatched.push(`${r.id}: spec ${version}, simulator ${r.version}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('has a contract request for every route', () => {
    const table = contractRequests(sim);
    const without = routes.filter((r) => !NOT_IN_SPECS.has(r.id) && !(r.id in table)).map((r) => r.id);
    expect(without).toEqual([]);
  });
});

describe('responses match the declared schemas', () => {
  const cases = routes.filter((r) => !NOT_IN_SPECS.has(r.id));
  it.each(cases.map((r) => [r.id, r] as const))('%s', async (_id, route) => {
    const requests: ContractRequest[] = contractRequests(sim)[route.id] ?? [];
    for (const request of requests) {
      const op = specFor(route.id, route.method, route.path, request.operationId);
      if (!op) throw new Error(`no spec operation for ${route.id}`);
      const check = validator.forResponse(op);
      if (!check) throw new Error(`${route.id}: the spec declares no response schema`);
      const host = `${HOST_PREFIX[route.hosts[0] ?? 'core'] ?? ''}dev.azure.com:${sim.port}`;
      const res = await send(sim, `/${sim.org}${request.path}`, { method: request.method ?? route.method, body: request.body, host });
      expect(res.status, `${route.id} ${request.path}: ${res.text.slice(0, 300)}`).toBe(200);
      const body = withoutNulls(res.json());
      const items: unknown[] = [];
      if (check.isList) {
        expect(body).toEqual({ count: expect.any(Number) as number, value: expect.any(Array) as unknown[] });
        const list = body as { count: number; value: unknown[] };
        expect(Number.isInteger(list.count)).toBe(true);
        expect(list.count).toBe(list.value.length);
        items.push(...list.value);
      } else {
        items.push(body);
      }
      for (const item of items) {
        const valid = check.validate(item);
        expect(valid, `${route.id} (${check.itemName}): ${validator.errorsText(check.validate)}\n${JSON.stringify(item).slice(0, 400)}`).toBe(true);
      }
    }
  });
});
