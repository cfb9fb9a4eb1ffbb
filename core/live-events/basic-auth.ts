/**
 * Authentication of incoming service-hook deliveries. Azure DevOps signs nothing; the only proof a
 * request comes from our subscription is the Basic-auth password set on it (azure-devops-api.md
 * §4.3). Ocean's receiver accepts a request with no Authorization header at all, even with a secret
 * configured (ocean-azure-devops.md §4): here a missing header is a 401 like a wrong one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthResult = { ok: true } | { ok: false; reason: string };

export type BasicAuthPolicy = {
  /** The webhook secret; undefined turns authentication off (the receiver warns at start). */
  secret: string | undefined;
  /**
   * Also accepted while a rotation is under way: the secret the subscriptions still carry until
   * registration has run with the new one (docs/webhooks.md, "Secret rotation").
   */
  previousSecret?: string | undefined;
  /**
   * The user name to require: `webhooks.username`, which the registration sets on every
   * subscription (Ocean ignores it; its registration and ours use the same setting). Undefined
   * accepts any user name.
   */
  username: string | undefined;
};

/** Compares in time independent of where the texts differ, and of their lengths (both are hashed first). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Checks an `Authorization` header against the policy. Reasons are safe to send back and to log:
 * they never repeat what the caller sent.
 */
export function checkBasicAuth(header: string | undefined, policy: BasicAuthPolicy): AuthResult {
  if (policy.secret === undefined) return { ok: true };
  if (header === undefined || header.trim() === '') {
    return { ok: false, reason: 'missing Authorization header: this receiver requires Basic authentication with the webhook secret as password' };
  }
  const match = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return { ok: false, reason: 'the Authorization header is not Basic authentication' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: false, reason: 'the Basic credentials are malformed (no user:password pair)' };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Every comparison always runs, so the time taken does not tell which part was wrong.
  const current = sameText(password, policy.secret);
  const previous = policy.previousSecret !== undefined && sameText(password, policy.previousSecret);
  const passwordOk = current || previous;
  const userOk = policy.username === undefined ? true : sameText(user, policy.username);
  if (!(passwordOk && userOk)) return { ok: false, reason: 'invalid credentials' };
  return { ok: true };
}
