/**
 * Date helpers. Azure DevOps writes ISO-8601 UTC with fractional seconds: git and build services
 * use seven digits (`2016-11-01T16:30:31.6655471Z`, see the git pull-request examples in the spec),
 * most others three. Both forms break jq's `fromdate`, which is the point of reproducing them.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `2024-05-01T12:34:56.789Z` */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2024-05-01T12:34:56.7891234Z`: the extra digits are derived from the time so they are stable. */
export function isoTicks(ms: number): string {
  const base = new Date(ms).toISOString().slice(0, -1);
  const extra = String(Math.abs(Math.floor(ms / 7) * 7919) % 10_000).padStart(4, '0');
  return `${base}${extra}Z`;
}

/** Parses an ISO date (any fractional precision) or returns undefined. */
export function parseDate(text: string | undefined | null): number | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Seconds since the epoch, as `X-RateLimit-Reset` carries it. */
export function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
