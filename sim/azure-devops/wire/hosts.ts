/**
 * Host selection (azure-devops-api.md §5.3, and the lead's decision for this simulator): the
 * `Host` header picks the service. `dev.azure.com` serves the core services under `/{org}`,
 * `vsrm.`/`vssps.`/`vsaex.`/`advsec.dev.azure.com` serve release, graph, entitlements and
 * Advanced Security; `{org}.visualstudio.com` and `{org}.vsrm.visualstudio.com` (etc.) are the
 * legacy forms. Any other host is Azure DevOps Server: everything under `/{collection}` or
 * `/tfs/{collection}` on one host.
 */

export type ServiceHost = 'core' | 'release' | 'graph' | 'entitlements' | 'advsec';

export const SERVICE_PREFIX: Record<ServiceHost, string> = { core: '', release: 'vsrm', graph: 'vssps', entitlements: 'vsaex', advsec: 'advsec' };

const BY_PREFIX = new Map<string, ServiceHost>([
  ['', 'core'],
  ['vsrm', 'release'],
  ['vssps', 'graph'],
  ['vsaex', 'entitlements'],
  ['advsec', 'advsec'],
]);

export type HostKind =
  | { deployment: 'cloud'; service: ServiceHost | undefined; legacyOrg: string | undefined; port: string }
  | { deployment: 'server'; host: string };

export function classifyHost(hostHeader: string | undefined): HostKind {
  const host = (hostHeader ?? '').trim().toLowerCase();
  const [name = '', port = ''] = host.startsWith('[') ? [host, ''] : host.split(':');
  if (name === 'dev.azure.com' || name.endsWith('.dev.azure.com')) {
    const prefix = name === 'dev.azure.com' ? '' : name.slice(0, -'.dev.azure.com'.length);
    return { deployment: 'cloud', service: BY_PREFIX.get(prefix), legacyOrg: undefined, port };
  }
  if (name.endsWith('.visualstudio.com')) {
    const parts = name.slice(0, -'.visualstudio.com'.length).split('.');
    const org = parts[0] ?? '';
    const prefix = parts.slice(1).join('.');
    // Advanced Security has no legacy host (Ocean's rewrite only works on dev.azure.com, §1.1).
    const service = prefix === 'advsec' ? undefined : BY_PREFIX.get(prefix);
    return { deployment: 'cloud', service, legacyOrg: org, port };
  }
  return { deployment: 'server', host: hostHeader ?? '127.0.0.1' };
}

export interface ResolvedPath {
  /** Path segments after the organization/collection, percent-decoded. */
  segments: string[];
  /** The organization/collection prefix as the client sent it (`/demo-org`, `/tfs/demo-org`, ``). */
  basePath: string;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Strips the organization or collection from the path; undefined when it names another one. */
export function resolvePath(kind: HostKind, pathname: string, org: string): ResolvedPath | undefined {
  const segments = decodeSegments(pathname);
  if (!segments) return undefined;
  const lowerOrg = org.toLowerCase();
  const raw = pathname.split('/').filter((s) => s !== '');
  if (kind.deployment === 'cloud' && kind.legacyOrg !== undefined) {
    if (kind.legacyOrg !== lowerOrg) return undefined;
    if (segments[0]?.toLowerCase() === 'defaultcollection') return { segments: segments.slice(1), basePath: `/${raw[0] ?? ''}` };
    return { segments, basePath: '' };
  }
  if (kind.deployment === 'server' && segments[0]?.toLowerCase() === 'tfs' && segments[1]?.toLowerCase() === lowerOrg) {
    return { segments: segments.slice(2), basePath: `/${raw[0] ?? ''}/${raw[1] ?? ''}` };
  }
  if (segments[0]?.toLowerCase() === lowerOrg) return { segments: segments.slice(1), basePath: `/${raw[0] ?? ''}` };
  return undefined;
}

/** Base URLs of every service, in the form the client used (cloud, legacy or Server). */
export type ServiceUrls = Record<ServiceHost, string>;

export function serviceUrls(kind: HostKind, org: string, basePath: string): ServiceUrls {
  if (kind.deployment === 'server') {
    const base = `http://${kind.host}${basePath}`;
    return { core: base, release: base, graph: base, entitlements: base, advsec: base };
  }
  const port = kind.port ? `:${kind.port}` : '';
  const out = {} as ServiceUrls;
  for (const [service, prefix] of Object.entries(SERVICE_PREFIX) as [ServiceHost, string][]) {
    if (kind.legacyOrg !== undefined) {
      out[service] = `http://${kind.legacyOrg}${prefix ? `.${prefix}` : ''}.visualstudio.com${port}`;
    } else {
      out[service] = `http://${prefix ? `${prefix}.` : ''}dev.azure.com${port}/${org}`;
    }
  }
  if (kind.legacyOrg !== undefined) out.advsec = `http://advsec.dev.azure.com${port}/${org}`;
  return out;
}
