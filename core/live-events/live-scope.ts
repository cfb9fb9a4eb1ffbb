import type { AzureDevOpsClient } from '../azure-devops/client';
import { ParentListings, type Pipeline, type Project, type ProjectScope, type Repository } from '../kinds/parents';
import { ScopedParents } from './scoped-parents';

type Entry<T> = { value: Promise<T>; loadedAt: number };

export type LiveScopeOptions = {
  /** How long a parent listing is reused before it is read again. */
  ttlMs: number;
  /** A miss (a repository created a moment ago) re-reads a listing at most this often. */
  missRefreshMs: number;
  now?: () => number;
};

/**
 * The projects, repositories and pipelines events refer to, as the sync lists them (the same
 * requests, so enrichment fields such as `__project` are identical), cached for a short while:
 * an event stream would otherwise list the organization's projects on every delivery. The
 * projects filter and excluded tags apply as in a sync: a project outside them is out of scope,
 * and its items are treated as gone.
 */
export class LiveScope {
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly now: () => number;

  constructor(
    private readonly client: AzureDevOpsClient,
    private readonly scope: ProjectScope,
    private readonly options: LiveScopeOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The project in scope with this id (or name), or undefined when it is gone or filtered out.
   * `reload`: read the listing again first, for a caller that has seen Azure DevOps name the
   * project differently than the cached listing does (a project renamed a moment ago).
   */
  async project(idOrName: string, options: { reload?: boolean } = {}): Promise<Project | undefined> {
    const wanted = idOrName.toLowerCase();
    const find = (projects: Project[]) => projects.find((p) => p.id.toLowerCase() === wanted || p.name.toLowerCase() === wanted);
    if (options.reload) this.entries.delete('projects');
    return this.lookup(
      'projects',
      () => new ParentListings(this.client, this.scope, { projects: 8 }).projects(),
      find,
    );
  }

  /** Every repository of the project (disabled ones too), as the repositories listing shows it. */
  async repository(project: Project, repositoryId: string, options: { fresh?: boolean } = {}): Promise<Repository | undefined> {
    const wanted = repositoryId.toLowerCase();
    return this.lookup(
      `repositories:${project.id}`,
      () => new ScopedParents(this.client, { projects: [project] }).repositories(),
      (repositories) => repositories.find((r) => r.id.toLowerCase() === wanted || r.name.toLowerCase() === wanted),
      options.fresh ? 0 : this.options.missRefreshMs,
    );
  }

  async pipeline(project: Project, pipelineId: number): Promise<Pipeline | undefined> {
    return this.lookup(
      `pipelines:${project.id}`,
      () => new ScopedParents(this.client, { projects: [project] }).pipelines(),
      (pipelines) => pipelines.find((p) => p.id === pipelineId),
    );
  }

  /**
   * A cached listing, re-read when it is older than the TTL, or when it lacks what is looked for
   * and is older than `missRefreshMs` (so a repository created a second ago is found). A failed
   * read is not cached: the next event tries again.
   */
  private async lookup<T, R>(key: string, load: () => Promise<T>, find: (value: T) => R | undefined, missRefreshMs = this.options.missRefreshMs): Promise<R | undefined> {
    const read = (): Entry<T> => {
      const entry = { value: load(), loadedAt: this.now() };
      this.entries.set(key, entry);
      entry.value.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
      return entry;
    };
    let entry = this.entries.get(key) as Entry<T> | undefined;
    const stale = !entry || this.now() - entry.loadedAt > this.options.ttlMs;
    if (!entry || stale) entry = read();
    const found = find(await entry.value);
    if (found !== undefined || stale || this.now() - entry.loadedAt < missRefreshMs) return found;
    return find(await read().value);
  }
}
