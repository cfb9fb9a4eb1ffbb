/**
 * A link to Port's data sources page, where the integration and its mapping live. Port serves its
 * web app next to its API: api.port.io → app.port.io, api.us.port.io → app.us.port.io (and the
 * legacy api.getport.io → app.getport.io). For any other API host there is no link to give.
 */
export function portDataSourcesUrl(portBaseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(portBaseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !url.hostname.startsWith('api.')) return undefined;
  return `https://app.${url.hostname.slice('api.'.length)}/settings/data-sources`;
}
