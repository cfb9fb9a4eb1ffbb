import { AdoError } from './errors';

/**
 * api-version handling (azure-devops-api.md §1.4 item 6): the version comes from the query string
 * or from `Accept: application/json;api-version=…` (node-api sends it there). GET without a
 * version is answered by the latest version; other methods must carry one. A resource that only
 * exists as a preview needs the `-preview` suffix.
 */

export interface RequestedVersion {
  raw: string;
  major: number;
  minor: number;
  preview: boolean;
  resourceVersion: number | undefined;
}

const VERSION = /^(\d+)\.(\d+)(?:-(preview)(?:\.(\d+))?)?$/i;

export function parseVersion(raw: string): RequestedVersion | undefined {
  const match = VERSION.exec(raw.trim());
  if (!match) return undefined;
  return {
    raw: raw.trim(),
    major: Number(match[1]),
    minor: Number(match[2]),
    preview: match[3] !== undefined,
    resourceVersion: match[4] === undefined ? undefined : Number(match[4]),
  };
}

/** Reads the requested version: query first, then the Accept header. */
export function requestedVersionText(queryValue: string | undefined, accept: string | undefined): string | undefined {
  if (queryValue !== undefined && queryValue !== '') return queryValue;
  if (!accept) return undefined;
  const match = /api-version\s*=\s*([^;,\s]+)/i.exec(accept);
  return match?.[1];
}

function compare(a: { major: number; minor: number }, b: { major: number; minor: number }): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export interface VersionPolicy {
  /** The route's current version as the spec declares it: `7.1`, `7.1-preview.3`, `7.2-preview.1`. */
  routeVersion: string;
  /** The newest version the deployment accepts at all: 7.2 on cloud, 7.1 on Azure DevOps Server. */
  deploymentMax: { major: number; minor: number };
  /** The newest version released as GA; anything newer exists only as a preview (7.2 today). */
  releasedMax: { major: number; minor: number };
}

/**
 * Returns the error Azure DevOps would answer with, or undefined when the version is acceptable.
 */
export function checkApiVersion(method: string, text: string | undefined, policy: VersionPolicy): AdoError | undefined {
  if (text === undefined) {
    if (method === 'GET' || method === 'HEAD') return undefined;
    return new AdoError(
      400,
      `No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
      'VssVersionNotSpecifiedException',
    );
  }
  const requested = parseVersion(text);
  if (!requested) {
    return new AdoError(
      400,
      `The api-version '${text}' is not valid. The api-version must be in the format {Major}.{Minor}[-{stage}[.{resourceVersion}]], for example '7.1' or '7.1-preview.1'.`,
      'VssInvalidApiVersionException',
    );
  }
  if (compare(requested, policy.deploymentMax) > 0) {
    return new AdoError(
      400,
      `The requested REST API version of ${requested.raw} is out of range for this server. The latest REST API version this server supports is ${policy.deploymentMax.major}.${policy.deploymentMax.minor}.`,
      'VssVersionOutOfRangeException',
    );
  }
  const route = parseVersion(policy.routeVersion);
  const previewOnly = (route?.preview === true && compare(requested, route) <= 0) || compare(requested, policy.releasedMax) > 0;
  if (previewOnly && !requested.preview) {
    return new AdoError(
      400,
      `The requested version "${requested.raw}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${requested.major}.${requested.minor}-preview"`,
      'VssInvalidPreviewVersionException',
    );
  }
  return undefined;
}
