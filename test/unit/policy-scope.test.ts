import { describe, expect, it } from 'vitest';
import { repositoriesCovered } from '../../core/kinds/repository-policy';
import type { Repository } from '../../core/kinds/parents';

const project = { id: 'p1', name: 'Project One' };
const repo = (id: string, defaultBranch?: string): Repository => ({ id, name: id, project, ...(defaultBranch ? { defaultBranch } : {}) });
const main = repo('AAAA', 'refs/heads/main');
const release = repo('bbbb', 'refs/heads/release/2026');
const empty = repo('cccc');
const all = [main, release, empty];
const ids = (policy: Record<string, unknown>) => repositoriesCovered(policy, all).map((r) => r.id);

/** What `policy/configurations?repositoryId=&refName=` would answer for each repository's default branch. */
describe('repository-policy scope', () => {
  it('applies a policy without a scope, or with an empty one, to every repository of the project', () => {
    expect(ids({ settings: {} })).toEqual(['AAAA', 'bbbb', 'cccc']);
    expect(ids({ settings: { scope: [] } })).toEqual(['AAAA', 'bbbb', 'cccc']);
    expect(ids({})).toEqual(['AAAA', 'bbbb', 'cccc']);
  });

  it('matches a repository id whatever its case, and a project-wide entry (no repository) on the ref alone', () => {
    expect(ids({ settings: { scope: [{ repositoryId: 'aaaa', refName: 'refs/heads/main', matchKind: 'Exact' }] } })).toEqual(['AAAA']);
    expect(ids({ settings: { scope: [{ repositoryId: null, refName: 'refs/heads/main', matchKind: 'Exact' }] } })).toEqual(['AAAA']);
  });

  it('matches by prefix, by default branch, and treats an entry without a ref as the whole repository', () => {
    expect(ids({ settings: { scope: [{ refName: 'refs/heads/release/', matchKind: 'Prefix' }] } })).toEqual(['bbbb']);
    expect(ids({ settings: { scope: [{ matchKind: 'DefaultBranch' }] } })).toEqual(['AAAA', 'bbbb', 'cccc']);
    expect(ids({ settings: { scope: [{ repositoryId: 'cccc' }] } })).toEqual(['cccc']);
    // A repository without a default branch has no branch for a ref to match.
    expect(ids({ settings: { scope: [{ refName: 'refs/heads/main' }] } })).toEqual(['AAAA']);
  });

  it('applies a policy whose settings it cannot read to every repository, as before any scope is known', () => {
    expect(ids({ settings: { scope: 'everywhere' } })).toEqual(['AAAA', 'bbbb', 'cccc']);
    expect(ids({ settings: { scope: [{ repositoryId: 42 }] } })).toEqual(['AAAA', 'bbbb', 'cccc']);
  });

  it('matches an entry of several, each repository once', () => {
    expect(ids({ settings: { scope: [{ repositoryId: 'AAAA' }, { repositoryId: 'bbbb' }, { repositoryId: 'AAAA', refName: 'refs/heads/main' }] } })).toEqual(['AAAA', 'bbbb']);
  });
});
