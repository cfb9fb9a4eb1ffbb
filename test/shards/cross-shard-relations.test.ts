/**
 * A relation from a project-level entity (a pull request, on any shard) to an organization-level
 * one (its creator, a user of shard 0). One job keeps a user nothing lists any more while a kept
 * pull request still points at it (relation targets of kept entities, port-api-and-ocean-core.md
 * §2.9 step 5); shard 0 cannot see the pull requests of other shards in its own run, so it must
 * ask Port, and reach the same state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfProject } from '../../core/shards/partition';
import type { AzureDevOpsSimulator } from '../../sim/azure-devops';
import type { PortSimulator } from '../../sim/port';
import { catalog, differences, owners, startAzureDevOps, startPort, sync } from './harness';

const DIR = mkdtempSync(join(tmpdir(), 'cross-shard-'));

/** Users (optionally leaving some out by the selector), and pull requests related to their creator. */
function mapping(leaveOut: readonly string[]): string {
  const file = join(DIR, `mapping-${leaveOut.length}.yml`);
  const query = leaveOut.length === 0 ? 'true' : `((.user // .).principalName | ascii_downcase) as $p | ${leaveOut.map((u) => `$p != ${JSON.stringify(u)}`).join(' and ')}`;
  writeFileSync(
    file,
    `createMissingRelatedEntities: true
deleteDependentEntities: false
resources:
  - kind: user
    selector:
      query: '${query.replace(/'/g, "''")}'
    port:
      entity:
        mappings:
          identifier: (.user // .).principalName | ascii_downcase
          title: (.user // .).displayName
          blueprint: '"xsUser"'
  - kind: pull-request
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .repository.id + "/" + (.pullRequestId | tostring)
          title: .title
          blueprint: '"xsPullRequest"'
          relations:
            creator: .createdBy.uniqueName | ascii_downcase
`,
  );
  return file;
}

function seed(port: PortSimulator): void {
  port.seed.blueprints([
    { identifier: 'xsUser', title: 'User', schema: { properties: {} } },
    { identifier: 'xsPullRequest', title: 'Pull request', schema: { properties: {} }, relations: { creator: { title: 'Creator', target: 'xsUser', required: false, many: false } } },
  ]);
  // Registered beforehand, so shards other than 0 need not wait for shard 0 to register it.
  port.seed.integration({ installationId: 'my-azure-devops-integration', installationAppType: 'azure-devops', config: { resources: [] } });
}

const ENV = { OCEAN__INITIALIZE_PORT_RESOURCES: 'false' };

describe('a pull request of one shard relating to a user of shard 0', () => {
  let ado: AzureDevOpsSimulator;
  let single: PortSimulator;
  let sharded: PortSimulator;
  /** A user who created a listed pull request in a project of shard 1 or 2, and one who created none. */
  let creator: string;
  let bystander: string;

  beforeAll(async () => {
    ado = await startAzureDevOps();
    [single, sharded] = await Promise.all([startPort(), startPort()]);
    seed(single);
    seed(sharded);
  });
  afterAll(async () => Promise.all([ado.close(), single.close(), sharded.close()]));

  it('resolves in the first round, whichever shard writes first', { timeout: 60_000 }, async () => {
    const all = ['--mapping', mapping([])];
    expect((await sync(ado, single, undefined, all, ENV)).code).toBe(0);
    // Shard 2 first: its pull requests point at users shard 0 has not written yet.
    for (const index of [2, 1, 0]) {
      const run = await sync(ado, sharded, `${index}/3`, all, ENV);
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    expect(differences(catalog(sharded), catalog(single))).toEqual([]);

    const prs = catalog(single);
    const creators = new Set([...prs.entries()].filter(([key]) => key.startsWith('xsPullRequest/')).map(([, e]) => (e as { relations: { creator: string } }).relations.creator));
    const users = [...ado.model.users.all()].map((u) => u.principalName.toLowerCase());
    const owner = owners(sharded);
    // A creator whose pull request another shard than 0 owns.
    creator = [...creators].find((c) => [...owner].some(([key, shard]) => key.startsWith('xsPullRequest/') && shard !== '0/3' && (prs.get(key) as { relations: { creator: string } }).relations.creator === c))!;
    bystander = users.find((u) => !creators.has(u) && u !== creator)!;
    expect(creator).toBeDefined();
    expect(bystander).toBeDefined();
    expect(owner.get(`xsUser/${creator}`)).toBe('0/3');
    expect(ado.model.projectList().some((p) => shardOfProject(p.id, 3) !== 0)).toBe(true);
  });

  it('keeps a user no longer listed while another shard’s pull request relates to it, as one job does', { timeout: 60_000 }, async () => {
    const narrower = ['--mapping', mapping([creator, bystander])];
    const one = await sync(ado, single, undefined, narrower, ENV);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    const expected = catalog(single);
    // One job: the creator stays as the target of a kept pull request, the bystander goes.
    expect(expected.has(`xsUser/${creator}`)).toBe(true);
    expect(expected.has(`xsUser/${bystander}`)).toBe(false);

    for (const index of [0, 1, 2]) {
      const run = await sync(ado, sharded, `${index}/3`, narrower, ENV);
      expect(run.code, run.stdout).toBe(0);
    }
    expect(differences(catalog(sharded), expected)).toEqual([]);
  });
});
