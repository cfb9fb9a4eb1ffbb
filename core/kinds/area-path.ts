import { z } from 'zod';
import type { RawItem } from '../azure-devops/paging';
import { fanOut } from './fan-out';
import { defineKind, type KindContext } from './kind';
import type { Project } from './parents';

/** Deep enough for any real area tree; a tree cut at this default is reported, not silently short. */
const DEFAULT_DEPTH = 20;

const areaNode = z.looseObject({
  identifier: z.string(),
  name: z.string(),
  path: z.string(),
  hasChildren: z.boolean().optional(),
  children: z.array(z.record(z.string(), z.unknown())).optional(),
});

const selector = z.object({
  depth: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(`Levels below the project's root area to read (the API's \`$depth\`; 0 is the root only). Without it ${DEFAULT_DEPTH} levels are read, and a deeper tree is reported in a warning.`),
});

/**
 * `\Project\Area\Web\Checkout` (a classification node's path) → `Project\Web\Checkout`, the form
 * work items carry in `System.AreaPath` and teams in their field values.
 */
export function normalizeAreaPath(path: string): string {
  const segments = path.split('\\').filter((s) => s.length > 0);
  if (segments.length >= 2 && segments[1]?.toLowerCase() === 'area') segments.splice(1, 1);
  return segments.join('\\');
}

type Flattened = { items: RawItem[]; cut: number };

/** The tree as a list, parents before children, each node without its `children`. */
function flatten(raw: unknown, project: Project, parentIdentifier: string | null, depthLeft: number): Flattened {
  const parsed = areaNode.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Azure DevOps returned an area node of project '${project.name}' without the fields the sync relies on: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { children, ...node } = parsed.data;
  const out: Flattened = { items: [{ ...node, __project: project, __parentIdentifier: parentIdentifier, __normalizedPath: normalizeAreaPath(node.path) }], cut: 0 };
  if (node.hasChildren && (children === undefined || children.length === 0) && depthLeft === 0) out.cut++;
  for (const child of children ?? []) {
    const sub = flatten(child, project, node.identifier, depthLeft - 1);
    out.items.push(...sub.items);
    out.cut += sub.cut;
  }
  return out;
}

async function areaPathsOf(ctx: KindContext, project: Project, depth: number | undefined): Promise<Flattened> {
  const levels = depth ?? DEFAULT_DEPTH;
  const response = await ctx.client.request({ path: `${project.id}/_apis/wit/classificationnodes/Areas`, query: { $depth: levels }, apiVersion: '7.1' });
  return flatten(response.body, project, null, levels);
}

export default defineKind({
  kind: 'area-path',
  description: "Area paths of every project in scope: each project's area tree, flattened to one item per node.",
  selector,
  endpoints: [`GET {org}/{project}/_apis/wit/classificationnodes/Areas?$depth={depth} (7.1; depth ${DEFAULT_DEPTH} unless the selector sets it)`],
  enrichment: {
    __project: 'the project',
    __parentIdentifier: "the parent node's `identifier` (null for the project's root area)",
    __normalizedPath: 'the path as work items carry it: `Project\\Web`, without the leading `\\` and the `Area` segment',
  },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read)',
  async *list(ctx, s) {
    yield* fanOut(
      await ctx.parents.projects(),
      ctx.concurrency.projects,
      async function* (project: Project) {
        const { items, cut } = await areaPathsOf(ctx, project, s.depth);
        if (cut > 0 && s.depth === undefined) {
          ctx.listing.warn(`the area tree of project '${project.name}' is deeper than ${DEFAULT_DEPTH} levels; ${cut} node(s) at that depth have children that are not listed (set selector.depth to read deeper)`);
        }
        yield items;
      },
      (project) => `area paths of project ${project.name}`,
    );
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsAreaPath',
        title: 'Area path',
        icon: 'AzureDevops',
        schema: {
          properties: {
            path: { title: 'Area path', type: 'string' },
            name: { title: 'Name', type: 'string' },
            hasChildren: { title: 'Has child areas', type: 'boolean' },
          },
          required: [],
        },
        relations: {
          parent: { title: 'Parent area', target: 'azureDevopsAreaPath', required: false, many: false },
          project: { title: 'Project', target: 'azureDevopsProject', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'area-path',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.identifier',
              title: '.__normalizedPath',
              blueprint: '"azureDevopsAreaPath"',
              properties: { path: '.__normalizedPath', name: '.name', hasChildren: '.hasChildren // false' },
              relations: { parent: '.__parentIdentifier', project: '.__project.id' },
            },
          },
        },
      },
    ],
  },
});
