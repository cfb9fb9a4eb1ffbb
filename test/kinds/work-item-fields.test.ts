import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestMetrics, type AzureDevOpsClient } from '../../core/azure-devops/client';
import { defaultPortAppConfig } from '../../core/kinds/defaults';
import { DEFAULT_CONCURRENCY, type KindContext, type RawItem } from '../../core/kinds/kind';
import { ParentListings } from '../../core/kinds/parents';
import workItem from '../../core/kinds/work-item';
import { portAppConfigFromObject, type ResourceConfig } from '../../core/mapping/app-config';
import { compileResource, type MappedEntity } from '../../core/mapping/entity-mapper';
import { namedFieldsRead } from '../../core/mapping/field-reads';
import { createJqEngine, type JqEngine } from '../../core/mapping/jq-engine';
import { startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../sim/azure-devops';
import { simulatorClient } from '../support/ado-client';

/**
 * Reading work items with only the fields the mapping reads must map to exactly the entities that
 * reading them whole (`$expand=All`, as before) gives; a mapping that reads more must be read whole.
 */
const PAT = 'work-item-fields-pat-0001';
let sim: AzureDevOpsSimulator;
let engine: JqEngine;
let client: AzureDevOpsClient;

beforeAll(async () => {
  // More than 200 items per listing: several batches, read concurrently.
  sim = await startAzureDevOpsSimulator({ scale: { base: 'small', workItems: 700 }, seed: 41, pat: PAT });
  engine = await createJqEngine();
  client = simulatorClient(sim, PAT, { concurrency: 16 });
});
afterAll(async () => sim.close());

type Listing = { items: RawItem[]; pages: RawItem[][]; entities: MappedEntity[]; bytesIn: number; requests: number; warnings: string[] };

/** Lists work items as syncResource does (kind listing, engine keys) and maps them with `resource`. */
async function listAndMap(resource: ResourceConfig, fieldsRead: readonly string[] | undefined, rawExamples = false): Promise<Listing> {
  const metrics = new RequestMetrics();
  const measured = client.withMetrics(metrics);
  const warnings: string[] = [];
  const ctx: KindContext = {
    client: measured,
    organization: measured.organization,
    parents: new ParentListings(measured, { include: [], excludedTags: [] }, { projects: 8 }),
    concurrency: DEFAULT_CONCURRENCY,
    now: new Date(),
    listing: { incomplete: (reason) => warnings.push(`incomplete: ${reason}`), warn: (message) => warnings.push(message) },
    fieldsRead,
    rawExamples,
  };
  const { query: _query, ...keys } = resource.selector;
  const selector = workItem.selector.parse(keys);
  const pages: RawItem[][] = [];
  for await (const page of workItem.list(ctx, selector)) pages.push(page.map((item) => ({ ...item, __organizationUrl: ctx.organization.url, __organizationName: ctx.organization.name })));
  const items = pages.flat();
  const mapped = compileResource(resource, engine).mapBatch(items);
  expect(mapped.hasErrors).toBe(false);
  const key = (e: MappedEntity) => JSON.stringify(e.identifier);
  const entities = [...mapped.entities].sort((a, b) => key(a).localeCompare(key(b)));
  return { items, pages, entities, bytesIn: metrics.bytesIn, requests: metrics.requests, warnings };
}

function workItemResource(mappings: Record<string, unknown>, extra: { selector?: Record<string, unknown>; port?: Record<string, unknown> } = {}): ResourceConfig {
  const config = portAppConfigFromObject(
    { resources: [{ kind: 'work-item', selector: { query: 'true', expand: 'All', ...extra.selector }, port: { entity: { mappings: { blueprint: '"azureDevopsWorkItem"', ...mappings } }, ...extra.port } }] },
    'test',
  );
  return config.resources[0]!;
}

const defaultResource = (): ResourceConfig => {
  const resource = portAppConfigFromObject(defaultPortAppConfig(), 'default').resources.find((r) => r.kind === 'work-item');
  if (!resource) throw new Error('the default mapping has no work-item resource');
  return resource;
};

/** Both ways: as the engine now reads (the fields the mapping reads, if that is all) and whole. */
async function bothWays(resource: ResourceConfig, rawExamples = false) {
  const fieldsRead = namedFieldsRead(resource, workItem.namedFields!);
  const narrow = await listAndMap(resource, fieldsRead, rawExamples);
  const whole = await listAndMap(resource, undefined);
  return { fieldsRead, narrow, whole };
}

const ALL_ITEMS = () => sim.model.projectList().flatMap((p) => sim.model.workItemsOf(p.id)).length;

describe('work items read with only the fields the mapping reads', () => {
  it('the default mapping: the same entities from a fraction of the bytes', async () => {
    const { fieldsRead, narrow, whole } = await bothWays(defaultResource());
    expect(fieldsRead).toContain('System.Title');
    expect(narrow.entities).toHaveLength(ALL_ITEMS());
    expect(narrow.entities).toEqual(whole.entities);
    expect(narrow.requests).toBe(whole.requests);
    // Read narrow: no links, no relations, only the fields asked for.
    expect(narrow.items.every((item) => item._links === undefined && item.relations === undefined)).toBe(true);
    expect(whole.items.every((item) => item._links !== undefined)).toBe(true);
    const asked = new Set([...fieldsRead!, 'System.TeamProject']);
    expect(narrow.items.every((item) => Object.keys(item.fields as object).every((name) => asked.has(name)))).toBe(true);
    // The three identities the mapping reads (~1.6 of ~4.5 KB in the simulator) come whole.
    expect(narrow.bytesIn).toBeLessThan(whole.bytesIn * 0.6);
    // The link is the work item's page, as `_links.html.href` gave it.
    const item = whole.items[0]!;
    const entity = narrow.entities.find((e) => e.identifier === `${String(item.__projectId)}/${String(item.id)}`);
    expect(entity?.properties?.link).toBe((item._links as { html: { href: string } }).html.href);
    expect(narrow.warnings).toEqual([]);
  });

  it('a mapping reading identities whole, unset fields, the selector and itemsToParse over a field', async () => {
    const resource = workItemResource(
      {
        identifier: '(.id | tostring) + "-" + .item',
        title: '.fields."System.Title" + " (rev " + (.rev | tostring) + ")"',
        properties: {
          assignedTo: '.fields."System.AssignedTo"',
          closed: '.fields."Microsoft.VSTS.Common.ClosedDate"',
          parent: '.fields."System.Parent"',
          project: '.__project.name',
          url: '.url',
        },
      },
      // Without the top-level transform: Ocean's guess would delete all of `.fields` from the parent.
      { selector: { query: '.fields."System.State" != "Closed"' }, port: { itemsToParse: '(.fields."System.Tags" // "untagged") | split("; ")', itemsToParseTopLevelTransform: false } },
    );
    const { fieldsRead, narrow, whole } = await bothWays(resource);
    expect(fieldsRead).toEqual(['System.Tags', 'System.State', 'System.Title', 'System.AssignedTo', 'Microsoft.VSTS.Common.ClosedDate', 'System.Parent']);
    expect(narrow.entities.length).toBeGreaterThan(ALL_ITEMS() / 4);
    expect(narrow.entities).toEqual(whole.entities);
    expect(narrow.entities.some((e) => e.properties?.assignedTo !== null && typeof e.properties?.assignedTo === 'object')).toBe(true);
    expect(narrow.entities.some((e) => e.properties?.closed === null)).toBe(true);
    expect(narrow.items.every((item) => item._links === undefined)).toBe(true);
  });

  it('a field the organization does not have: refused by the service, so the listing reads whole items and says so', async () => {
    const resource = workItemResource({ identifier: '.id | tostring', properties: { custom: '.fields."Custom.NotInThisOrganization"', title: '.fields."System.Title"' } });
    const { fieldsRead, narrow, whole } = await bothWays(resource);
    expect(fieldsRead).toEqual(['Custom.NotInThisOrganization', 'System.Title']);
    expect(narrow.entities).toEqual(whole.entities);
    expect(narrow.entities.every((e) => e.properties?.custom === null)).toBe(true);
    expect(narrow.warnings.some((w) => w.includes('TF51535: Cannot find field Custom.NotInThisOrganization.') && w.includes('read whole'))).toBe(true);
  });

  it('with raw examples wanted, the first batch is read whole (the examples Port shows), the rest narrow', async () => {
    const { narrow, whole } = await bothWays(defaultResource(), true);
    expect(narrow.pages.length).toBeGreaterThan(2);
    expect(narrow.pages[0]!.every((item) => item._links !== undefined)).toBe(true);
    expect(narrow.pages.slice(1).flat().every((item) => item._links === undefined)).toBe(true);
    expect(narrow.entities).toEqual(whole.entities);
  });

  it.each([
    ['the old default link, from _links', { link: '._links.html.href' }],
    ['relations', { parents: '[.relations[]? | select(.rel == "System.LinkTypes.Hierarchy-Reverse")] | length' }],
    ['the names of every field set', { fieldCount: '.fields | keys | length' }],
    ['the whole item', { raw: '. | tojson | length' }],
  ])('a mapping reading %s is read whole, as before', async (_what, properties) => {
    const resource = workItemResource({ identifier: '.id | tostring', properties });
    const { fieldsRead, narrow, whole } = await bothWays(resource);
    expect(fieldsRead).toBeUndefined();
    expect(narrow.items.every((item) => item._links !== undefined)).toBe(true);
    expect(narrow.entities).toEqual(whole.entities);
    // What it reads is there: it would be null or different from a narrow answer.
    const [name] = Object.keys(properties);
    const values = narrow.entities.map((e) => e.properties?.[name!]);
    expect(values.every((v) => v !== null)).toBe(true);
    if (name === 'parents') expect(values.some((v) => v === 1)).toBe(true);
  });
});
