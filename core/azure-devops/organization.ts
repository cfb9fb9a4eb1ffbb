/**
 * Where each Azure DevOps service lives for one organization (cloud) or collection (Server).
 *
 * Cloud splits services over hosts (`vsrm.` for releases, `vssps.` for graph, `vsaex.` for user
 * entitlements, `advsec.` for Advanced Security); Azure DevOps Server serves everything from the
 * collection URL and has no graph, entitlements or Advanced Security at all.
 * Reference: azure-devops-api.md §5.3.
 */
export type ServiceHost = 'core' | 'release' | 'graph' | 'entitlements' | 'advancedSecurity';

export type Organization = {
  readonly deployment: 'cloud' | 'server';
  /** The organization (cloud) or collection (Server) name. */
  readonly name: string;
  /** Normalized collection URL without a trailing slash. */
  readonly url: string;
  /** Base URL for each service, without a trailing slash. Absent: the service does not exist there. */
  readonly services: Readonly<Partial<Record<ServiceHost, string>>>;
};

export class OrganizationUrlError extends Error {}

const CLOUD_PREFIX: Record<Exclude<ServiceHost, 'core'>, string> = {
  release: 'vsrm',
  graph: 'vssps',
  entitlements: 'vsaex',
  advancedSecurity: 'advsec',
};

/**
 * Parses the three accepted forms: `https://dev.azure.com/{org}`, `https://{org}.visualstudio.com`
 * and Server's `https://host[:port]/[tfs/]{collection}`. The scheme and port are kept, so a
 * simulator on `http://dev.azure.com:8080/{org}` derives `http://vsrm.dev.azure.com:8080/{org}`.
 */
export function parseOrganizationUrl(input: string): Organization {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new OrganizationUrlError(
      `'${input}' is not a URL. Expected https://dev.azure.com/{organization}, https://{organization}.visualstudio.com or https://{server}/{collection}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OrganizationUrlError(`'${input}' must use https:// (or http:// for a local server).`);
  }
  if (url.username || url.password) {
    throw new OrganizationUrlError('The organization URL must not contain credentials; pass the token separately.');
  }
  if (url.search || url.hash) {
    // Quoted without them: a query string may carry a token.
    throw new OrganizationUrlError(`'${url.origin}${url.pathname}' must not have a query string or fragment (left out here).`);
  }
  const segments = url.pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  const host = url.hostname.toLowerCase();
  const origin = (hostname: string) => `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ''}`;

  if (host === 'dev.azure.com') {
    const name = segments[0];
    if (!name || segments.length > 1) {
      throw new OrganizationUrlError(`'${input}' must be https://dev.azure.com/{organization}, with nothing after the organization name.`);
    }
    const path = `/${encodeURIComponent(name)}`;
    return cloud(name, origin(host) + path, (prefix) => origin(`${prefix}.${host}`) + path);
  }

  const legacy = /^([a-z0-9][a-z0-9-]*)\.visualstudio\.com$/.exec(host);
  if (legacy?.[1]) {
    const name = legacy[1];
    const extra = segments.filter((s) => s.toLowerCase() !== 'defaultcollection');
    if (extra.length > 0) {
      throw new OrganizationUrlError(`'${input}' must be https://${name}.visualstudio.com, with no path.`);
    }
    return cloud(name, origin(host), (prefix) =>
      // Advanced Security has no visualstudio.com host; dev.azure.com serves every organization.
      prefix === 'advsec' ? `${origin('advsec.dev.azure.com')}/${encodeURIComponent(name)}` : origin(`${name}.${prefix}.visualstudio.com`),
    );
  }

  const collection = segments.at(-1);
  if (!collection || segments.length > 2 || (segments.length === 2 && segments[0]?.toLowerCase() !== 'tfs')) {
    throw new OrganizationUrlError(
      `'${input}' looks like an Azure DevOps Server URL but has no collection. Expected https://{server}[:port]/[tfs/]{collection}.`,
    );
  }
  const collectionUrl = origin(url.hostname) + '/' + segments.map(encodeURIComponent).join('/');
  return { deployment: 'server', name: collection, url: collectionUrl, services: { core: collectionUrl, release: collectionUrl } };
}

function cloud(name: string, coreUrl: string, serviceUrl: (prefix: string) => string): Organization {
  const services: Partial<Record<ServiceHost, string>> = { core: coreUrl };
  for (const [service, prefix] of Object.entries(CLOUD_PREFIX) as [Exclude<ServiceHost, 'core'>, string][]) {
    services[service] = serviceUrl(prefix);
  }
  return { deployment: 'cloud', name, url: coreUrl, services };
}
