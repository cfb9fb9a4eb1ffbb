import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
let child: ChildProcess | undefined;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only', 'sim'], { cwd: root, stdio: 'pipe' });
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function start(args: string[]): ChildProcess {
  child = spawn(process.execPath, ['dist/sim.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return child;
}

async function firstLine(proc: ChildProcess): Promise<string> {
  let buffer = '';
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    buffer += chunk.toString();
    const newline = buffer.indexOf('\n');
    if (newline >= 0) return buffer.slice(0, newline);
  }
  throw new Error(`the simulator exited before printing its URL: ${buffer}`);
}

async function exitOf(proc: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stderr };
}

describe('node dist/sim.js port', () => {
  it('prints its URL, serves the API with the given credentials, and stops on SIGTERM', async () => {
    const proc = start(['port', '--port', '0', '--client-id', 'cid', '--client-secret', 'csecret', '--latency-ms', '1']);
    const line = await firstLine(proc);
    const match = /^Port simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    expect(match, line).not.toBeNull();
    const baseUrl = match?.[1] as string;

    const denied = await fetch(`${baseUrl}/v1/auth/access_token`, { method: 'POST', body: JSON.stringify({ clientId: 'cid', clientSecret: 'nope' }) });
    expect(denied.status).toBe(401);
    const auth = await fetch(`${baseUrl}/v1/auth/access_token`, { method: 'POST', body: JSON.stringify({ clientId: 'cid', clientSecret: 'csecret' }) });
    const { accessToken } = (await auth.json()) as { accessToken: string };
    const org = await fetch(`${baseUrl}/v1/organization`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(org.status).toBe(200);
    const state = await fetch(`${baseUrl}/_sim/counters`);
    expect(((await state.json()) as { counters: { requests: number } }).counters.requests).toBe(3);

    const exit = exitOf(proc);
    proc.kill('SIGTERM');
    expect((await exit).code).toBe(0);
  });

  it('exits 2 with usage for an unknown simulator or a bad flag', async () => {
    const unknown = await exitOf(start(['nope']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Usage: node dist\/sim\.js <port/);
    const badFlag = await exitOf(start(['port', '--latency-ms', 'slow']));
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--latency-ms');
    const halfCredentials = await exitOf(start(['port', '--client-id', 'x']));
    expect(halfCredentials.code).toBe(2);
  });
});
