import { readFileSync } from 'node:fs';
import { first } from 'jq-wasm/inline';
import { defaultBlueprints, defaultPortAppConfig } from '../../core/kinds/defaults';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { startPortSimulator, type PortSimulator } from '../../sim/port';
import { CLOUD_RESOLVE, runCli, type CliRun } from '../support/simulators';

export const PORT_CLIENT_ID = 'shards-client';
export const PORT_CLIENT_SECRET = 'shards-client-secret-0001';

/** One personal access token per shard: each job runs as its own identity, as docs/scale-out.md advises. */
export const patOf = (job: string) => `shards-pat-${job}-0001`;

/**
 * Six projects on the tiny base, seed 2: each of 3 shards and each of 2 gets at least one
 * well-formed project (tests check it with `projectsByShard` rather than assume it).
 */
export const SCALE = { base: 'tiny', projects: 6, users: 8, groups: 3, teams: 8, repositories: 8, branches: 12, workItems: 30, pullRequests: 12, builds: 10 } as const;
export const SEED = 2;

export async function startAzureDevOps(): Promise<AzureDevOpsSimulator> {
  return startAzureDevOpsSimulator({ scale: SCALE, seed: SEED });
}

/**
 * A Port an administrator set up beforehand: the integration registered with the default mapping
 * and the default blueprints in place. Shards other than 0 then need not wait for shard 0's first
 * run, so a test can let them write first. Runs against it pass OCEAN__INITIALIZE_PORT_RESOURCES=false.
 */
export function prepareCatalog(port: PortSimulator): void {
  const blueprints = defaultBlueprints();
  port.seed.blueprints(blueprints.map(({ relations: _r, mirrorProperties: _m, calculationProperties: _c, aggregationProperties: _a, ...bare }) => ({ ...bare, relations: {} })));
  port.seed.blueprints(blueprints);
  port.seed.integration({ installationId: 'my-azure-devops-integration', installationAppType: 'azure-devops', config: defaultPortAppConfig('cloud') });
}
export const PREPARED = { OCEAN__INITIALIZE_PORT_RESOURCES: 'false' };

export async function startPort(): Promise<PortSimulator> {
  return startPortSimulator({ clientId: PORT_CLIENT_ID, clientSecret: PORT_CLIENT_SECRET });
}

/** Port's documented variable group, cloud URL form (the organization-level kinds are cloud only). */
export function environment(ado: AzureDevOpsSimulator, port: PortSimulator, job: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OCEAN__PORT__CLIENT_ID: PORT_CLIENT_ID,
    OCEAN__PORT__CLIENT_SECRET: PORT_CLIENT_SECRET,
    OCEAN__PORT__BASE_URL: port.baseUrl,
    OCEAN__EVENT_LISTENER: '{"type":"ONCE"}',
    OCEAN__INITIALIZE_PORT_RESOURCES: 'true',
    OCEAN__SEND_RAW_DATA_EXAMPLES: 'false',
    OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: ado.cloudUrl,
    OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: patOf(job),
    ...extra,
  };
}

export type { CliRun } from '../support/simulators';

/** `port-ado-sync sync [--shard i/n] …` in-process, through real sockets, as its own identity. */
export function sync(ado: AzureDevOpsSimulator, port: PortSimulator, shard: string | undefined, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const shardArgs = shard === undefined ? [] : ['--shard', shard];
  return runCli([...CLOUD_RESOLVE, ...shardArgs, ...args], environment(ado, port, shard?.replace('/', '-of-') ?? 'single', extraEnv));
}

/** Runs every shard of a layout one after the other (a round), in the given order. */
export async function round(ado: AzureDevOpsSimulator, port: PortSimulator, count: number, order: number[] = [...Array(count).keys()], extraEnv: Record<string, string> = {}): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  for (const index of order) runs.push(await sync(ado, port, `${index}/${count}`, [], extraEnv));
  return runs;
}

/**
 * Port's catalog as a user sees it: every entity of every blueprint with its title, icon, team,
 * properties and relations; the datasource (which job wrote it) and timestamps left out.
 */
export function catalog(port: PortSimulator): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const entity of port.entities()) {
    const { identifier, blueprint, title, icon, team, properties, relations } = entity;
    out.set(`${blueprint}/${identifier}`, { title, icon: icon ?? null, team: [...team].sort(), properties, relations });
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Which job owns each entity, by the shard tag in its datasource (`single` when untagged). */
export function owners(port: PortSimulator): Map<string, string> {
  const out = new Map<string, string>();
  for (const entity of port.entities()) {
    const tag = /^port-ocean\/azure-devops\/shard-(\d+)-of-(\d+)\+/.exec(entity.datasource ?? '');
    out.set(`${entity.blueprint}/${entity.identifier}`, tag ? `${tag[1]}/${tag[2]}` : entity.datasource ? 'single' : 'none');
  }
  return out;
}

/** Every key in `expected` is in `actual` with the same content: nothing the single job holds is missing. */
export function missingFrom(actual: Map<string, unknown>, expected: Map<string, unknown>): string[] {
  return [...expected.keys()].filter((key) => !actual.has(key));
}

/** Keys whose content differs, or that only one side holds. */
export function differences(a: Map<string, unknown>, b: Map<string, unknown>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((key) => JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key))).sort();
}

/** Which shard of `count` syncs each well-formed project, computed from the simulator's model. */
export function projectsByShard(ado: AzureDevOpsSimulator, count: number, shardOf: (id: string, count: number) => number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const project of ado.model.projectList().filter((p) => p.state === 'wellFormed')) {
    const index = shardOf(project.id, count);
    out.set(index, [...(out.get(index) ?? []), project.id]);
  }
  return out;
}


/** The jq program docs/scale-out.md tells users to commit as .port/combine-shards.jq. */
export function combineProgram(): string {
  const doc = readFileSync(new URL('../../docs/scale-out.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```jq\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  if (blocks.length !== 1) throw new Error(`docs/scale-out.md should have exactly one jq block, found ${blocks.length}`);
  return blocks[0]!;
}

export type Combined = { status: string; shards: number; reported: number[]; missing: number[]; notSuccessful: string[]; listed: number; upserted: number; deleted: number; adoRequests: number; slowestSeconds: number };

/** `jq -s -f .port/combine-shards.jq <files>`: the documented final job, over the shards' JSON summaries. */
export async function combine(files: readonly string[]): Promise<Combined> {
  const summaries = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown);
  const result = await first<Combined>(summaries, combineProgram());
  if (result === undefined) throw new Error('the combine program printed nothing');
  return result;
}
