import { z } from 'zod';
import { listPages, paging, type RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind } from './kind';
import type { Pipeline, Project } from './parents';
import { flag } from './selector-types';

export default defineKind({
  kind: 'pipeline',
  description: 'YAML and classic pipelines of every project in scope.',
  selector: z.object({
    includeRepo: flag(false).describe("Adds `__repository` (the pipeline's source repository, from its build definition): one more request per project."),
  }),
  endpoints: ['GET {org}/{project}/_apis/pipelines (7.1, x-ms-continuationtoken)', 'GET {org}/{project}/_apis/build/definitions?includeAllProperties=true (with includeRepo)'],
  enrichment: { __projectId: 'the project id', __project: 'the project', __repository: 'with includeRepo: the source repository (with its project)' },
  availability: 'cloud-and-server',
  permission: 'Build (Read)',
  async *list(ctx, selector) {
    const pipelines = await ctx.parents.pipelines();
    const enrich = (pipeline: Pipeline): RawItem => ({ ...pipeline, __projectId: pipeline.__project.id });
    if (!selector.includeRepo) {
      yield pipelines.map(enrich);
      return;
    }
    const byProject = new Map<string, { project: Project; pipelines: Pipeline[] }>();
    for (const pipeline of pipelines) {
      const entry = byProject.get(pipeline.__project.id) ?? { project: pipeline.__project, pipelines: [] };
      entry.pipelines.push(pipeline);
      byProject.set(pipeline.__project.id, entry);
    }
    // One paged listing of full build definitions per project instead of one GET per pipeline.
    yield* fanOut(
      byProject.values(),
      ctx.concurrency.projects,
      async function* ({ project, pipelines: projectPipelines }: { project: Project; pipelines: Pipeline[] }) {
        const repositories = new Map<number, unknown>();
        const request = { path: `${project.id}/_apis/build/definitions`, query: { includeAllProperties: true }, apiVersion: '7.1' };
        for await (const page of listPages(ctx.client, request, paging.continuationHeader(1000))) {
          for (const definition of page) {
            if (typeof definition.id === 'number' && definition.repository && typeof definition.repository === 'object') {
              repositories.set(definition.id, { ...definition.repository, project });
            }
          }
        }
        yield projectPipelines.map((pipeline) => ({ ...enrich(pipeline), __repository: repositories.get(pipeline.id) ?? null }));
      },
      ({ project }) => `pipelines of project ${project.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsPipeline',
        title: 'Pipeline',
        icon: 'Pipeline',
        schema: {
          properties: {
            folder: { title: 'Folder', type: 'string' },
            revision: { title: 'Revision', type: 'number' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
          repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'pipeline',
        selector: { query: 'true', includeRepo: true },
        port: {
          entity: {
            mappings: {
              identifier: '.__projectId + "/" + (.id | tostring)',
              title: '.name',
              blueprint: '"azureDevopsPipeline"',
              properties: { folder: '.folder', revision: '.revision', link: '._links.web.href' },
              relations: {
                project: '.__projectId',
                repository: 'if .__repository.type == "TfsGit" then .__repository.id else null end',
              },
            },
          },
        },
      },
    ],
  },
});
