import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FrontDoorOptions } from '../../core/run-from-layers';
import { runMain } from '../support/simulators';
import { CLOUD_RESOLVE, PAT, SECRET, UNUSED_PORT_ENV, webhookStack } from './harness';

/**
 * `port-ado-sync webhooks` builds its Azure DevOps client as the sync does (core/azure-devops/connect):
 * at log level debug every answer gets a request line, and a retry policy from the front door applies.
 */
const { sim, env, run } = webhookStack(12);

/** The webhooks command with options only a front door passes (here: a retry policy). */
function runWithFrontDoor(args: string[], frontDoor: FrontDoorOptions) {
  const summary = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'summary.json');
  return runMain(['webhooks', '--no-progress', '--summary', summary, ...CLOUD_RESOLVE, ...args], env(), frontDoor);
}

describe('log level debug', () => {
  it('logs every answer from Azure DevOps with its status and time, and no secret; info logs none', async () => {
    const debug = await run(['--webhook-events', 'git.push', '--log-level', 'debug']);
    expect(debug.code, debug.stderr).toBe(0);
    expect(sim().hooks.all().length).toBeGreaterThan(0);
    const output = debug.stdout + debug.stderr;
    expect(output).toMatch(/GET \S+\/_apis\/connectionData\S* → 200 in \d+ ms/);
    expect(output).toMatch(/GET \S+\/_apis\/projects\S* → 200 in \d+ ms/);
    expect(output).toMatch(/POST \S+\/_apis\/hooks\/subscriptions\S* → 20\d in \d+ ms/);
    const lines = output.split('\n').filter((line) => / → \d{3} in \d+ ms/.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const basicPat = Buffer.from(`:${PAT}`).toString('base64');
    for (const secret of [PAT, basicPat, SECRET, UNUSED_PORT_ENV.OCEAN__PORT__CLIENT_SECRET]) expect(output).not.toContain(secret);

    sim().hooks.clear();
    const info = await run(['--webhook-events', 'git.push']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout + info.stderr).not.toMatch(/ → \d{3} in \d+ ms/);
  });
});

describe('retry policy from the front door', () => {
  it('is the one the client follows', async () => {
    // One attempt only: a single 503 on the pre-flight is final (exit code 2), and nothing is registered.
    sim().faults.add({ kind: 'status', status: 503, route: 'core.connectionData', times: 1 });
    sim().resetCounters();
    const once = await runWithFrontDoor(['--webhook-events', 'git.push'], { retry: { azureDevOps: { transientAttempts: 1 } } });
    expect(once.code, once.stderr).toBe(2);
    expect(once.stderr).toMatch(/Cannot reach Azure DevOps/);
    expect(sim().counters().byRoute['core.connectionData']).toBe(1);
    expect(sim().hooks.all()).toEqual([]);

    // Two attempts without a pause: the second one goes through.
    sim().faults.clear();
    sim().faults.add({ kind: 'status', status: 503, route: 'core.connectionData', times: 1 });
    sim().resetCounters();
    const twice = await runWithFrontDoor(['--webhook-events', 'git.push'], { retry: { azureDevOps: { transientAttempts: 2, baseDelaySeconds: 0, maxDelaySeconds: 0 } } });
    expect(twice.code, twice.stderr).toBe(0);
    expect(sim().counters().byRoute['core.connectionData']).toBe(2);
    expect(sim().hooks.all().length).toBeGreaterThan(0);
  });
});
