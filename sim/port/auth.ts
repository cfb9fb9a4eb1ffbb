import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PortApiError } from './errors';
import type { Router } from './router';
import { parseRoute } from './validate';

type IssuedToken = { clientId: string; expiresAtMs: number };

/**
 * Bearer tokens for `POST /v1/auth/access_token` (port-api-and-ocean-core.md §1). Tokens are
 * JWT-shaped like Port's (Ocean decodes the payload for some features) but signed with nothing:
 * only this map makes them valid. They carry the client id, never the secret.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly ttlSeconds: number) {}

  issue(clientId: string): { accessToken: string; expiresIn: number } {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { sub: clientId, clientId, iat: nowSeconds, exp: nowSeconds + this.ttlSeconds, jti: randomUUID(), isMachine: true };
    const accessToken = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { clientId, expiresAtMs: Date.now() + this.ttlSeconds * 1000 });
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  /** Resolves an `Authorization` header to the client id, or throws Port's 401. */
  authenticate(header: string | undefined): string {
    if (!header) throw unauthorized('The request has no Authorization header. Send "Authorization: Bearer <accessToken>" from POST /v1/auth/access_token.');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <accessToken>".');
    const token = this.tokens.get(match[1] as string);
    if (!token) throw unauthorized('The access token is not valid. Request a new one from POST /v1/auth/access_token.');
    if (token.expiresAtMs <= Date.now()) throw unauthorized('The access token has expired. Request a new one from POST /v1/auth/access_token.');
    return token.clientId;
  }

  /** Makes every token issued so far invalid, as if their lifetime had passed. */
  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAtMs = 0;
  }

  get issuedCount(): number {
    return this.tokens.size;
  }
}

function unauthorized(message: string): PortApiError {
  return new PortApiError(401, 'unauthorized', message);
}

const credentialsBody = z.looseObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

export type Credentials = { clientId?: string | undefined; clientSecret?: string | undefined };

export function registerAuthRoutes(router: Router, issuer: TokenIssuer, expected: Credentials): void {
  router.add(
    'POST',
    '/v1/auth/access_token',
    (ctx) => {
      const body = parseRoute(credentialsBody, ctx.body);
      const checks = expected.clientId !== undefined || expected.clientSecret !== undefined;
      if (checks && (body.clientId !== expected.clientId || body.clientSecret !== expected.clientSecret)) {
        throw unauthorized('The client id or client secret is wrong. Check the Port credentials (OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET).');
      }
      const { accessToken, expiresIn } = issuer.issue(body.clientId);
      return { status: 200, body: { ok: true, accessToken, expiresIn, tokenType: 'Bearer' } };
    },
    { public: true },
  );
}
