import type { ScaleCounts } from '../scale';

/** What every generator needs: the seed, the scale and "now" (the reference time). */
export interface GenerationContext {
  readonly org: string;
  readonly seed: number;
  readonly scale: ScaleCounts;
  /** Reference time in ms: generated history ends here; "recent" is relative to it. */
  readonly now: number;
}

/** Base64 without padding, as graph descriptors use. */
export function descriptorPart(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

/**
 * Spreads `count` timestamps over `[now - span, now)` in strictly increasing order: id order is
 * time order, as it is for pull requests, builds and work items in Azure DevOps.
 */
export function timeline(now: number, span: number, count: number): (index: number, jitter: number) => number {
  const step = span / Math.max(count, 1);
  const start = now - span;
  return (index, jitter) => Math.floor(start + index * step + jitter * step * 0.9);
}
