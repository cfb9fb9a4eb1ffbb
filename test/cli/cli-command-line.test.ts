/**
 * The command line as a user types it: the built CLI (`dist/cli.js`) is spawned, so what node's
 * argument parsing does before any of our code runs is part of what is tested. Secret flags must
 * be refused with the variable to use instead, switches that default to true must be able to be
 * turned off, and --help must stay readable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, type OptionSpecs } from '../../cli/args';
import { main } from '../../cli/main';
import { receiveMain } from '../../cli/receiver';
import { runCli, startSimulators, type Simulators } from '../support/simulators';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function cli(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  // CI builds everything before the tests; building the CLI again keeps a local run honest.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stderr}`);
}, 120_000);

describe('port-ado-sync: secrets on the command line', () => {
  it.each([
    [['--pat', 'cli-secret-pat-0001'], 'pat', 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN'],
    [['--pat=cli-secret-pat-0001'], 'pat', 'OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN'],
    [['--port-client-secret', 'cli-secret-pat-0001'], 'port-client-secret', 'OCEAN__PORT__CLIENT_SECRET'],
    [['--webhook-secret', 'cli-secret-pat-0001'], 'webhook-secret', 'OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET'],
    [['--token', 'cli-secret-pat-0001'], 'token', 'PORT_ADO_SYNC_BEARER_TOKEN'],
  ])('sync %j is refused with the variable to use, exit 2, and the value is never echoed', (args, name, variable) => {
    const run = cli(['sync', ...args]);
    expect(run.code, run.stderr).toBe(2);
    const line = run.stderr.split('\n').find((l) => l.startsWith(`error: flag --${name}: secrets are not accepted on the command line`));
    expect(line, run.stderr).toBeDefined();
    expect(line).toContain(variable);
    expect(run.stderr).not.toMatch(/Unknown option|Did you mean/);
    expect(run.stderr).toMatch(/^Invalid configuration \(\d+ problems?\)\.$/m);
    expect(run.stdout + run.stderr).not.toContain('cli-secret-pat-0001');
  });

  it('is refused next to the other problems, and the rest of the command line still counts', () => {
    const run = cli(['webhooks', '--pat', 'cli-secret-pat-0001', '--plan', '--timeout', 'soon']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('error: flag --pat: secrets are not accepted');
    expect(run.stderr).toContain('error: flag --timeout:');
    expect(run.stdout + run.stderr).not.toContain('cli-secret-pat-0001');
  });

  it('the receiver refuses them too', async () => {
    let err = '';
    const sink = { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream;
    expect(await receiveMain(['--webhook-secret', 'cli-secret-pat-0001'], {}, { out: sink, err: sink })).toBe(2);
    expect(err).toContain('flag --webhook-secret: secrets are not accepted on the command line');
    expect(err).toContain('OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET');
    expect(err).not.toContain('cli-secret-pat-0001');
  });
});

describe('port-ado-sync: switches', () => {
  it.each(['--projects-limited=false', '--projects-limited=true', '--initialize-port-resources=false', '--send-raw-data-examples=FALSE', '--no-projects-limited', '--plan=false'])(
    'sync %s is accepted',
    (flag) => {
      // Nothing else is configured: the run stops at the missing settings, not at the flag.
      const run = cli(['sync', flag]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^Invalid configuration \(4 problems\)\.$/m);
      expect(run.stderr).not.toContain(flag.replace(/=.*/, ''));
    },
  );

  it('a switch with another value is refused, naming the forms it takes', () => {
    const run = cli(['sync', '--projects-limited=maybe']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--projects-limited is a switch: give it alone, as --projects-limited=true or --projects-limited=false, or turn it off with --no-projects-limited.');
  });

  it('reads every form, the last one winning, and keeps --no-progress and --no-proxy as they are', () => {
    const options: OptionSpecs = {
      'projects-limited': { type: 'boolean' },
      plan: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      proxy: { type: 'string' },
      'no-proxy': { type: 'string', multiple: true },
    };
    const read = (args: string[]) => {
      const parsed = parseCommandLine(args, options, { allowPositionals: true });
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.values;
    };
    expect(read(['--projects-limited=false'])).toEqual({ 'projects-limited': false });
    expect(read(['--no-projects-limited'])).toEqual({ 'projects-limited': false });
    expect(read(['--no-projects-limited', '--projects-limited'])).toEqual({ 'projects-limited': true });
    expect(read(['--projects-limited', '--projects-limited=False'])).toEqual({ 'projects-limited': false });
    expect(read(['--plan=true'])).toEqual({ plan: true });
    expect(read(['--no-progress'])).toEqual({ 'no-progress': true });
    expect(read(['--no-proxy', 'localhost', '--no-proxy=.internal'])).toEqual({ 'no-proxy': ['localhost', '.internal'] });
    expect(read(['--pat', 'a-secret-value', '--plan'])).toEqual({ pat: 'a-secret-value', plan: true });
    expect(read(['--token'])).toEqual({ token: true });
    expect(parseCommandLine(['--no-plan=true'], options, { allowPositionals: true })).toEqual({ ok: false, message: '--no-plan takes no value: give it alone, or use --plan=true or --plan=false.' });
  });

  describe('against the simulators', () => {
    let sims: Simulators;
    beforeAll(async () => {
      sims = await startSimulators({ ado: { scale: 'tiny', seed: 11 } });
    });
    afterAll(async () => sims?.close());

    it('--initialize-port-resources=false turns the default blueprints off; =true turns them back on', async () => {
      const off = await runCli(['--kinds', 'project', '--initialize-port-resources=false'], sims.env());
      expect(off.code, off.stderr).toBe(2);
      expect(off.stderr).toContain('do not exist in Port');
      expect(sims.port.blueprints()).toEqual([]);

      const on = await runCli(['--kinds', 'project', '--initialize-port-resources=true'], sims.env({ OCEAN__INITIALIZE_PORT_RESOURCES: 'false' }));
      expect(on.code, on.stderr).toBe(0);
      expect(sims.port.blueprints().length).toBeGreaterThan(0);
    });

    it('--no-progress turns the live progress line off on a terminal', async () => {
      const run = async (args: string[]) => {
        let err = '';
        const out = new PassThrough().resume() as unknown as NodeJS.WriteStream;
        const terminal = Object.assign(new PassThrough(), { isTTY: true });
        terminal.on('data', (c: Buffer) => (err += c.toString()));
        const code = await main(['sync', '--kinds', 'project', ...args], sims.env(), { out, err: terminal as unknown as NodeJS.WriteStream });
        return { code, err };
      };
      const live = await run([]);
      expect(live.code, live.err).toBe(0);
      expect(live.err).toContain('\x1b[2K');
      const plain = await run(['--no-progress']);
      expect(plain.code, plain.err).toBe(0);
      expect(plain.err).not.toContain('\x1b[2K');
      expect(plain.err).not.toContain('\r');
    });
  });
});

describe('port-ado-sync --help', () => {
  it('keeps every description in one column and says how to turn a switch off', () => {
    for (const args of [['--help'], ['receive', '--help']]) {
      const run = cli(args);
      expect(run.code).toBe(0);
      const rows = run.stdout.split('\n').filter((l) => /^ {2}--/.test(l) && !l.startsWith('  --help'));
      expect(rows.length).toBeGreaterThan(10);
      // Option, at least two spaces, description: no option runs into its description.
      for (const row of rows) expect(row, row).toMatch(/^ {2}--\S+(?: <[^>]+>)? {2,}\S/);
      const columns = new Set(rows.map((row) => /^ {2}--\S+(?: <[^>]+>)? +/.exec(row)?.[0].length));
      expect(columns.size, rows.join('\n')).toBe(1);
      expect(run.stdout).toContain('--no-<switch>');
    }
  });
});

describe('docs/configuration.md', () => {
  it('the Errors example is what the CLI prints', () => {
    const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    const block = /\n## Errors\n[\s\S]*?```\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const [command, ...expected] = block.trimEnd().split('\n');
    expect(command).toBe('$ port-ado-sync sync --config port-ado-sync.yml --pat …');
    // A config file with a bad organization URL at 9:20, and no client id anywhere.
    const dir = mkdtempSync(join(tmpdir(), 'cli-errors-'));
    const file = ['port:', '  region: eu', '  clientSecret: ${PORT_CLIENT_SECRET}', '', 'azureDevOps:', '  personalAccessToken: ${ADO_PAT}', '  excludedTags: [archived]', '', '  organizationUrl: https://dev.azure.com/', ''];
    writeFileSync(join(dir, 'port-ado-sync.yml'), file.join('\n'));
    const env = { OCEAN__EVENT_LISTENER: '{"type":"POLLING"}', PORT_CLIENT_SECRET: 'doc-client-secret', ADO_PAT: 'doc-pat-value' };
    const run = cli(['sync', '--config', 'port-ado-sync.yml', '--pat', 'doc-flag-secret'], env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual(expected);
  });
});
