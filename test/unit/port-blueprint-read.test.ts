import { describe, expect, it } from 'vitest';
import { BlueprintApi } from '../../core/port/blueprints';
import { portStandIn } from '../support/port-stand-in';

const port = portStandIn();

describe('BlueprintApi: what Port answers to a blueprint read', () => {
  it('reads relation targets and the shape, nulls taken as absent', async () => {
    port.answer = { ok: true, blueprint: { identifier: 'repo', title: null, schema: { properties: { url: {} } }, relations: { project: { target: 'project', many: false } }, mirrorProperties: null } };
    const api = new BlueprintApi(port.client());
    expect(await api.relationTargets('repo')).toEqual({ project: 'project' });
    expect(await api.shape('repo')).toEqual({ title: undefined, properties: ['url'], relations: { project: 'project' }, mirrorProperties: [], calculationProperties: [], aggregationProperties: [] });
  });

  it.each([
    ['no blueprint', { ok: true }],
    ['relations without targets', { ok: true, blueprint: { relations: { project: { many: false } } } }],
    ['relations that are a list', { ok: true, blueprint: { relations: ['project'] } }],
  ])('refuses an answer with %s rather than reading it as "no relations"', async (_what, body) => {
    port.answer = body;
    const api = new BlueprintApi(port.client());
    await expect(api.relationTargets('repo')).rejects.toThrow('Port answered GET /v1/blueprints/repo with something other than a blueprint.');
    // Not remembered: the next read asks again.
    port.answer = { ok: true, blueprint: { relations: {} } };
    expect(await api.relationTargets('repo')).toEqual({});
  });
});
