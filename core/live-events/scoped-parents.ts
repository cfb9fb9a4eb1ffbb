import type { AzureDevOpsClient } from '../azure-devops/client';
import { ParentListings, type Pipeline, type Project, type Repository } from '../kinds/parents';

/**
 * The parent listings a kind fans out over, narrowed to the parents one event is about: the kind's
 * own `list()` then reads only under them, with its own requests and enrichment, so a re-fetched
 * item is shaped exactly as in a full sync. Parents not given are listed under the given projects
 * by the ordinary code (the base class), which reads `this.projects()`.
 */
export class ScopedParents extends ParentListings {
  constructor(
    client: AzureDevOpsClient,
    private readonly only: { projects: readonly Project[]; repositories?: readonly Repository[]; pipelines?: readonly Pipeline[] },
  ) {
    super(client, { include: [], excludedTags: [] }, { projects: 4 });
  }

  /** Only the given projects: never the whole organization, whatever the (empty) scope says. */
  override get coversOrganization(): boolean {
    return false;
  }

  override projects(): Promise<Project[]> {
    return Promise.resolve([...this.only.projects]);
  }

  override repositories(): Promise<Repository[]> {
    return this.only.repositories ? Promise.resolve([...this.only.repositories]) : super.repositories();
  }

  override pipelines(): Promise<Pipeline[]> {
    return this.only.pipelines ? Promise.resolve([...this.only.pipelines]) : super.pipelines();
  }
}
