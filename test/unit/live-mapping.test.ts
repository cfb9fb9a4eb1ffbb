import { describe, expect, it } from 'vitest';
import { layerFromEnvironment, resolveConfig } from '../../core/config';
import { loadLiveMapping } from '../../core/live-events/live-mapping';
import { createJqEngine, type JqEngine } from '../../core/mapping/jq-engine';
import { prepareMapping } from '../../core/sync/prepare-mapping';

const ENV = {
  OCEAN__PORT__CLIENT_ID: 'id',
  OCEAN__PORT__CLIENT_SECRET: 'secret',
  OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
  OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/acme',
  OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat',
};

/** The bundled jq, counting the programs it is asked to run. */
async function countingEngine(): Promise<JqEngine & { calls: number }> {
  const inner = await createJqEngine();
  const engine = {
    calls: 0,
    run(program: string, input: unknown) {
      engine.calls++;
      return inner.run(program, input);
    },
  };
  return engine;
}

describe('loadLiveMapping', () => {
  it('compiles the identity mappers on the checks the prepared mapping already made: only their assembled programs run', async () => {
    const { config } = resolveConfig([layerFromEnvironment(ENV)]);
    const alone = await countingEngine();
    await prepareMapping(config, undefined, alone);
    const live = await countingEngine();
    const mapping = await loadLiveMapping(config, undefined, live);
    const identityPrograms = mapping.resources.reduce((n, r) => n + r.identities.programBodies().length, 0);
    expect(identityPrograms).toBeGreaterThan(0);
    expect(live.calls - alone.calls).toBe(identityPrograms);
  });
});
