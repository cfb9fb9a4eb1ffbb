import { afterEach, describe, expect, it } from 'vitest';
import { startPortSimulator, type PortSimulator } from '../../../sim/port/index';
import { TestClient } from './client';

let sim: PortSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('POST /v1/auth/access_token', () => {
  it('issues a Bearer token with expiresIn (3 h by default) that opens the other routes', async () => {
    sim = await startPortSimulator();
    const client = new TestClient(sim);
    const res = await client.post('/v1/auth/access_token', { clientId: 'id', clientSecret: 'secret' }, { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, expiresIn: 10800, tokenType: 'Bearer' });
    const token = res.body['accessToken'] as string;
    expect(token.split('.')).toHaveLength(3);
    expect(token).not.toContain('secret');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
    expect(JSON.stringify(payload)).not.toContain('secret');
    expect(payload['clientId']).toBe('id');

    const org = await client.get('/v1/organization', { token });
    expect(org.status).toBe(200);
  });

  it('checks configured credentials and answers 401 for wrong ones without echoing the secret', async () => {
    sim = await startPortSimulator({ clientId: 'good-id', clientSecret: 'good-secret', tokenTtlSeconds: 60 });
    const client = new TestClient(sim);
    const bad = await client.post('/v1/auth/access_token', { clientId: 'good-id', clientSecret: 'wrong-secret' }, { token: null });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ ok: false, error: 'unauthorized' });
    expect(bad.text).not.toContain('wrong-secret');
    expect(bad.text).not.toContain('good-secret');

    const good = await client.post('/v1/auth/access_token', { clientId: 'good-id', clientSecret: 'good-secret' }, { token: null });
    expect(good.status).toBe(200);
    expect(good.body['expiresIn']).toBe(60);
  });

  it('answers 422 when the credentials body does not match the route schema', async () => {
    sim = await startPortSimulator();
    const client = new TestClient(sim);
    const res = await client.post('/v1/auth/access_token', { clientId: 'only-id' }, { token: null });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ ok: false, error: 'bad_request', message: "The json provided does not match the route's schema" });
  });

  it('rejects missing, malformed and unknown tokens with 401', async () => {
    sim = await startPortSimulator();
    const client = new TestClient(sim);
    expect((await client.get('/v1/blueprints/x', { token: null })).status).toBe(401);
    const basic = await fetch(new URL('/v1/blueprints/x', sim.baseUrl), { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
    const unknown = await client.get('/v1/blueprints/x', { token: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ ok: false, error: 'unauthorized' });
  });

  it('expires tokens on demand so that a client must refresh, and the new token works', async () => {
    sim = await startPortSimulator();
    const client = new TestClient(sim);
    const first = await client.login();
    expect((await client.get('/v1/organization')).status).toBe(200);
    sim.expireTokens();
    const expired = await client.get('/v1/organization');
    expect(expired.status).toBe(401);
    expect(String(expired.body['message'])).toMatch(/expired/);
    const second = await client.login();
    expect(second).not.toBe(first);
    expect((await client.get('/v1/organization')).status).toBe(200);
  });

  it('honours tokenTtlSeconds: a zero lifetime token is already expired', async () => {
    sim = await startPortSimulator({ tokenTtlSeconds: 0 });
    const client = new TestClient(sim);
    await client.login();
    expect((await client.get('/v1/organization')).status).toBe(401);
  });
});
