import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAzureDevOpsSimulatorArgs } from '../../../sim/azure-devops/cli';
import { basic } from './helpers';

describe('argument parsing', () => {
  it('reads every flag', () => {
    expect(parseAzureDevOpsSimulatorArgs(['--port', '0', '--org', 'acme', '--seed', '4', '--scale', 'medium', '--pat', 'p', '--latency-ms', '5', '--throttle', '--warm', '--memo'])).toEqual({
      port: 0,
      org: 'acme',
      seed: 4,
      scale: 'medium',
      pat: 'p',
      latencyMs: 5,
      throttle: true,
      warm: true,
      memo: true,
    });
  });

  it('names the bad argument', () => {
    expect(() => parseAzureDevOpsSimulatorArgs(['--port', 'x'])).toThrow(/--port needs a whole number/);
    expect(() => parseAzureDevOpsSimulatorArgs(['--port', '1', '--scale', 'huge'])).toThrow(/--scale must be one of tiny, small, medium, large/);
    expect(() => parseAzureDevOpsSimulatorArgs(['--org', 'x'])).toThrow(/--port is required/);
    expect(() => parseAzureDevOpsSimulatorArgs(['--port', '1', '--frobnicate'])).toThrow(/Unknown argument '--frobnicate'/);
  });
});

describe('node dist/sim.js ado', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adosim-'));
    bundle = join(dir, 'sim.js');
    await build({ entryPoints: ['sim/main.ts'], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the organization URL once listening (and warmed) and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bundle, 'ado', '--port', '0', '--org', 'cli-org', '--pat', 'cli-pat', '--scale', 'tiny', '--warm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code ?? 'signal'}`)));
    });
    const lines = line.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cli-org$/);
    const res = await fetch(`${lines[0] ?? ''}/_apis/projects`, { headers: { Authorization: basic('cli-pat') } });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits with 2 and a message on bad arguments', async () => {
    const child = spawn(process.execPath, [bundle, 'ado', '--scale', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--scale must be one of');
  });
});
