import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

function streams() {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (c: Buffer) => (text.out += c.toString()));
  err.on('data', (c: Buffer) => (text.err += c.toString()));
  return { streams: { out: out as unknown as NodeJS.WriteStream, err: err as unknown as NodeJS.WriteStream }, text };
}

describe('port-ado-sync CLI: configuration errors', () => {
  it('exits 2 and names every missing setting with where to set it', async () => {
    const { streams: s, text } = streams();
    expect(await main(['sync'], {}, s)).toBe(2);
    expect(text.err).toContain('OCEAN__PORT__CLIENT_ID');
    expect(text.err).toContain('OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL');
    expect(text.err).toContain('OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN');
  });

  it('refuses secrets on the command line without echoing them', async () => {
    const { streams: s, text } = streams();
    expect(await main(['sync', '--pat', 'very-secret-pat-value'], {}, s)).toBe(2);
    expect(text.err + text.out).not.toContain('very-secret-pat-value');
  });

  it('rejects an event listener other than ONCE, naming the variable', async () => {
    const { streams: s, text } = streams();
    const env = {
      OCEAN__PORT__CLIENT_ID: 'id',
      OCEAN__PORT__CLIENT_SECRET: 'secret-value-1',
      OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/org',
      OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: 'pat-value-123',
      OCEAN__EVENT_LISTENER: '{"type":"POLLING"}',
    };
    expect(await main(['sync'], env, s)).toBe(2);
    expect(text.err).toContain('OCEAN__EVENT_LISTENER');
    expect(text.err).not.toContain('secret-value-1');
    expect(text.err).not.toContain('pat-value-123');
  });

  it('suggests the closest flag for a typo', async () => {
    const { streams: s, text } = streams();
    expect(await main(['sync', '--organisation-url', 'x'], {}, s)).toBe(2);
    expect(text.err).toContain('--organization-url');
  });

  it('prints help and the version with exit 0', async () => {
    const a = streams();
    expect(await main(['--help'], {}, a.streams)).toBe(0);
    expect(a.text.out).toContain('Exit codes: 0');
    const b = streams();
    expect(await main(['--version'], {}, b.streams)).toBe(0);
    expect(b.text.out).toMatch(/^\d+\.\d+\.\d+/);
  });
});
