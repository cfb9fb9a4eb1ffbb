import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../core/kinds/registry';
import { renderKindsDoc } from '../../scripts/kinds-doc';

describe('docs/kinds.md', () => {
  it('is up to date with the kind modules (run `npm run docs` after changing a kind)', () => {
    expect(readFileSync('docs/kinds.md', 'utf8')).toBe(renderKindsDoc());
  });

  it('documents every kind with its calls, selector and enrichment', () => {
    const doc = renderKindsDoc();
    for (const kind of KINDS) {
      expect(doc).toContain(`## ${kind.kind}\n`);
      expect(kind.endpoints.length, kind.kind).toBeGreaterThan(0);
      expect(kind.permission.length, kind.kind).toBeGreaterThan(0);
    }
  });
});
