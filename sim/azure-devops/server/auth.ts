import { createHash } from 'node:crypto';
import type { OrganizationModel } from '../model/organization';
import { guidFor } from '../model/random';

/**
 * Credentials (azure-devops-api.md §5.1): a PAT as Basic auth with any user name (empty or not),
 * or a Bearer token (a pipeline's `System.AccessToken`, possibly limited to some projects, or an
 * Entra token). Secrets are never stored in counters or messages: identities are keyed by a
 * short hash or by the name a test gave them.
 */

export interface BearerTokenOption {
  token: string;
  /** Project ids or names the token may see (a project-scoped `System.AccessToken`). */
  projects?: string[];
  /** Label for counters and the identity's display name. */
  name?: string;
}

export interface CredentialOptions {
  /** Accepted PAT(s). When absent, any PAT is accepted. */
  pat?: string | string[];
  /** Accepted Bearer tokens. When absent and no PAT is configured either, any token is accepted. */
  bearerTokens?: (string | BearerTokenOption)[];
}

/** `rejected`: fails like an expired or revoked credential; `sign-in-page`: always answered with the 203 HTML page. */
export type CredentialMode = 'active' | 'revoked' | 'sign-in-page';

export interface Identity {
  /** Stable, secret-free key for counters, throttling and concurrency: `pat:1a2b3c4d`, `bearer:build`. */
  key: string;
  kind: 'pat' | 'bearer';
  id: string;
  displayName: string;
  uniqueName: string;
  descriptor: string;
  /** Project ids this identity may see; undefined = all. */
  projectIds: ReadonlySet<string> | undefined;
}

export type AuthResult = { ok: true; identity: Identity } | { ok: false; signInPage: boolean };

interface StoredCredential {
  kind: 'pat' | 'bearer';
  label: string;
  projects?: string[];
  mode: CredentialMode;
}

export function shortHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

export class CredentialStore {
  private readonly credentials = new Map<string, StoredCredential>();
  /** Modes set for credentials in "any accepted" mode (keyed by hash, so no secret is kept). */
  private readonly modes = new Map<string, CredentialMode>();
  private readonly anyPat: boolean;
  private readonly anyBearer: boolean;

  constructor(options: CredentialOptions, private readonly model: OrganizationModel) {
    const pats = options.pat === undefined ? [] : Array.isArray(options.pat) ? options.pat : [options.pat];
    pats.forEach((pat, i) => this.credentials.set(`pat:${pat}`, { kind: 'pat', label: pats.length === 1 ? 'pat' : `pat${i + 1}`, mode: 'active' }));
    for (const entry of options.bearerTokens ?? []) {
      const option = typeof entry === 'string' ? { token: entry } : entry;
      this.credentials.set(`bearer:${option.token}`, { kind: 'bearer', label: option.name ?? shortHash(option.token), projects: option.projects, mode: 'active' });
    }
    this.anyPat = options.pat === undefined;
    this.anyBearer = options.pat === undefined && options.bearerTokens === undefined;
  }

  addBearer(option: BearerTokenOption): void {
    this.credentials.set(`bearer:${option.token}`, { kind: 'bearer', label: option.name ?? shortHash(option.token), projects: option.projects, mode: 'active' });
  }

  addPat(pat: string, label = `pat-${shortHash(pat)}`): void {
    this.credentials.set(`pat:${pat}`, { kind: 'pat', label, mode: 'active' });
  }

  /** Changes how a credential (PAT or Bearer token value) is treated from now on. */
  setMode(token: string, mode: CredentialMode): boolean {
    let found = false;
    for (const kind of ['pat', 'bearer'] as const) {
      const stored = this.credentials.get(`${kind}:${token}`);
      if (stored) {
        stored.mode = mode;
        found = true;
      }
    }
    if (!found && (this.anyPat || this.anyBearer)) {
      this.modes.set(shortHash(token), mode);
      found = true;
    }
    return found;
  }

  authenticate(authorization: string | undefined): AuthResult {
    if (!authorization) return { ok: false, signInPage: false };
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Any user name, the PAT is the password (spec securityDefinitions: "Use any value for the user name").
      const pat = colon < 0 ? '' : decoded.slice(colon + 1);
      if (pat === '') return { ok: false, signInPage: false };
      return this.check('pat', pat);
    }
    if (scheme === 'bearer' && value !== '') return this.check('bearer', value);
    return { ok: false, signInPage: false };
  }

  private check(kind: 'pat' | 'bearer', token: string): AuthResult {
    const stored = this.credentials.get(`${kind}:${token}`);
    const hash = shortHash(token);
    if (stored) {
      if (stored.mode !== 'active') return { ok: false, signInPage: stored.mode === 'sign-in-page' };
      return { ok: true, identity: this.identity(kind, `${kind}:${stored.label}`, stored.projects, stored.label) };
    }
    const any = kind === 'pat' ? this.anyPat : this.anyBearer;
    if (!any) return { ok: false, signInPage: false };
    const mode = this.modes.get(hash) ?? 'active';
    if (mode !== 'active') return { ok: false, signInPage: mode === 'sign-in-page' };
    return { ok: true, identity: this.identity(kind, `${kind}:${hash}`, undefined, hash) };
  }

  private identity(kind: 'pat' | 'bearer', key: string, projects: string[] | undefined, label: string): Identity {
    const projectIds = projects === undefined ? undefined : new Set(projects.map((p) => this.model.project(p)?.id ?? p.toLowerCase()));
    if (kind === 'pat') {
      // PATs act as the organization owner (the first generated user).
      const owner = this.model.owner();
      if (owner) return { key, kind, id: owner.id, displayName: owner.displayName, uniqueName: owner.principalName, descriptor: owner.descriptor, projectIds };
    }
    const id = guidFor(this.model.seed, 'service-identity', label);
    const scope = projectIds && projectIds.size === 1 ? (this.model.projects.get([...projectIds][0] ?? '')?.name ?? 'Project') : undefined;
    const displayName = scope ? `${scope} Build Service (${this.model.name})` : `Project Collection Build Service (${this.model.name})`;
    return { key, kind, id, displayName, uniqueName: `Build\\${id}`, descriptor: `svc.${Buffer.from(id).toString('base64').replace(/=+$/, '')}`, projectIds };
  }
}

/** The page cloud Azure DevOps answers with (status 203) when a browser-style request is not signed in. */
export function signInPage(org: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en-US">',
    '<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>',
    `<body><div id="signin">Sign in to Azure DevOps to continue to ${org}.</div>`,
    '<form method="post" action="https://login.microsoftonline.com/common/oauth2/authorize"></form></body>',
    '</html>',
  ].join('\n');
}
