import { z } from 'zod';
import { AzureDevOpsError } from '../azure-devops/errors';
import { listPages, paging } from '../azure-devops/paging';
import type { QueryValue } from '../azure-devops/client';
import { requireCloudService } from './cloud-only';
import { fanOut } from './fan-out';
import { changesFrom, defineKind, type KindContext, type Page } from './kind';
import type { Repository } from './parents';

const lowerEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((v, ctx) => {
    const found = values.find((value) => value.toLowerCase() === v.trim().toLowerCase());
    if (!found) ctx.addIssue({ code: 'custom', message: `'${v}' is not one of ${values.join(', ')}` });
    return found ?? v;
  });

const oneOrMany = <T extends z.ZodType>(item: T) => z.preprocess((v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]), z.array(item));

const STATES = ['active', 'dismissed', 'fixed', 'autoDismissed'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical', 'note', 'warning', 'error'] as const;
const ALERT_TYPES = ['dependency', 'secret', 'code'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const criteria = z
  .object({
    states: oneOrMany(lowerEnum(STATES)).optional().describe('Only alerts in these states.'),
    severities: oneOrMany(lowerEnum(SEVERITIES)).optional().describe('Only alerts of these severities.'),
    // Ocean writes `severity` and sends `criteria.severity`, which the service ignores; here it
    // means what it says.
    severity: oneOrMany(lowerEnum(SEVERITIES)).optional().describe("Ocean's name for `severities`."),
    alertType: lowerEnum(ALERT_TYPES).optional().describe('Only alerts of this type.'),
  })
  .catchall(z.union([scalar, z.array(scalar)]));

const selector = z.object({
  criteria: criteria
    .optional()
    .describe(
      "Filters sent as `criteria.*`: `states` (active, dismissed, fixed, autoDismissed), `severities` (low, medium, high, critical, note, warning, error; Ocean's `severity` is accepted and sent as `severities`), `alertType` (dependency, secret, code), and any other criterion of the API passed through as written (`ruleName`, `toolName`, `modifiedSince`, `ref`, `onlyDefaultBranch`…; lists comma-joined).",
    ),
});

type Criteria = z.output<typeof criteria>;

/** `criteria.*` query parameters; lists comma-joined as the API takes them (alert.json). */
export function criteriaQuery(c: Criteria | undefined): Record<string, QueryValue> {
  if (!c) return {};
  const { states, severities, severity, alertType, ...rest } = c;
  const query: Record<string, QueryValue> = {};
  const joined = (values: readonly unknown[]) => values.map(String).join(',');
  const severityList = [...(severities ?? []), ...(severity ?? [])];
  if (states?.length) query['criteria.states'] = joined(states);
  if (severityList.length > 0) query['criteria.severities'] = joined([...new Set(severityList)]);
  if (alertType) query['criteria.alertType'] = alertType;
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    query[`criteria.${key}`] = Array.isArray(value) ? joined(value) : (value);
  }
  return query;
}

/**
 * A repository without Advanced Security answers 400 (ocean-azure-devops.md §1.2): that
 * repository has no alerts to list, which is neither an error nor a gap in the listing.
 */
function isNotEnabled(error: unknown): error is AzureDevOpsError {
  return error instanceof AzureDevOpsError && error.status === 400;
}

export default defineKind({
  kind: 'advanced-security-alert',
  description: 'GitHub Advanced Security for Azure DevOps alerts (dependency, secret and code scanning) of every enabled repository. Azure DevOps Services only.',
  selector,
  endpoints: [
    'GET https://advsec.dev.azure.com/{org}/{project}/_apis/alert/repositories/{repo}/alerts (7.2-preview.1, x-ms-continuationtoken, top 1000, criteria.*); HTTP 400 for a repository means Advanced Security is not enabled there: skipped, summarized in one warning',
  ],
  enrichment: { __repositoryId: 'the repository id', __projectId: 'the project id', __repository: 'the repository' },
  availability: 'cloud-only',
  permission: 'Advanced Security (Read)',
  list: (ctx, s) => listAlerts(ctx, criteriaQuery(s.criteria)),
  changedSince: {
    filter: "`criteria.modifiedSince` (the later of the cursor and the selector's own `modifiedSince`)",
    misses: 'nothing the full listing would see',
    list: (ctx, s, window) => {
      const query = criteriaQuery(s.criteria);
      const own = query['criteria.modifiedSince'];
      query['criteria.modifiedSince'] = changesFrom(window, typeof own === 'string' ? own : undefined);
      return listAlerts(ctx, query);
    },
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsSecurityAlert',
        title: 'Security alert',
        icon: 'Alert',
        schema: {
          properties: {
            alertType: { title: 'Type', type: 'string', enum: ['dependency', 'secret', 'code'] },
            severity: { title: 'Severity', type: 'string' },
            state: { title: 'State', type: 'string' },
            rule: { title: 'Rule', type: 'string' },
            tool: { title: 'Tool', type: 'string' },
            filePath: { title: 'File', type: 'string' },
            gitRef: { title: 'Ref', type: 'string' },
            firstSeenDate: { title: 'First seen', type: 'string', format: 'date-time' },
            lastSeenDate: { title: 'Last seen', type: 'string', format: 'date-time' },
            fixedDate: { title: 'Fixed', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: { repository: { title: 'Repository', target: 'azureDevopsRepository', required: false, many: false } },
      },
    ],
    resources: [],
    optIn: {
      reason:
        'Advanced Security is a paid feature of Azure DevOps Services that most repositories do not have enabled: by default every run would spend one request per such repository on a 400 answer, and warn about it.',
      example: [
        {
          kind: 'advanced-security-alert',
          selector: { query: 'true', criteria: { states: ['active'] } },
          port: {
            entity: {
              mappings: {
                // Alert ids are numbered per repository.
                identifier: '.__repositoryId + "/" + (.alertId | tostring)',
                title: '.title',
                blueprint: '"azureDevopsSecurityAlert"',
                properties: {
                  alertType: '.alertType',
                  severity: '.severity',
                  state: '.state',
                  rule: '.tools[0].rules[0].friendlyName',
                  tool: '.tools[0].name',
                  filePath: '.physicalLocations[0].filePath',
                  gitRef: '.gitRef',
                  firstSeenDate: '.firstSeenDate',
                  lastSeenDate: '.lastSeenDate',
                  fixedDate: '.fixedDate',
                  link: '(.__repository.webUrl // .repositoryUrl) + "/alerts/" + (.alertId | tostring)',
                },
                relations: { repository: '.__repositoryId' },
              },
            },
          },
        },
      ],
    },
  },
});

/** The alerts of every enabled repository in scope, filtered by the `criteria.*` query. */
async function* listAlerts(ctx: KindContext, query: Record<string, QueryValue>): AsyncGenerator<Page> {
  requireCloudService(ctx, 'advanced-security-alert', 'advancedSecurity');
  const notEnabled: { repository: Repository; message: string }[] = [];
  const repositories = (await ctx.parents.healthyRepositories()).filter((r) => r.defaultBranch);
  yield* fanOut(
    repositories,
    ctx.concurrency.repositories,
    (repository: Repository) => alertsOf(ctx, repository, query, notEnabled),
    (repository) => `alerts of repository ${repository.name}`,
  );
  if (notEnabled.length > 0) {
    const names = notEnabled.slice(0, 5).map((n) => `'${n.repository.name}'`).join(', ');
    ctx.listing.warn(
      `Advanced Security not enabled on ${notEnabled.length} of ${repositories.length} repositories (${names}${notEnabled.length > 5 ? ', …' : ''}); they have no alerts to list. The service said: ${notEnabled[0]?.message}`,
    );
  }
}

async function* alertsOf(ctx: KindContext, repository: Repository, query: Record<string, QueryValue>, notEnabled: { repository: Repository; message: string }[]): AsyncGenerator<Page> {
  const request = {
    service: 'advancedSecurity' as const,
    path: `${repository.project.id}/_apis/alert/repositories/${repository.id}/alerts`,
    query,
    apiVersion: '7.2-preview.1',
  };
  let pages = 0;
  try {
    for await (const page of listPages(ctx.client, request, paging.continuationHeader(1000, 'top'))) {
      pages++;
      yield page.map((alert) => ({ ...alert, __repositoryId: repository.id, __projectId: repository.project.id, __repository: repository }));
    }
  } catch (error) {
    // Only the first page can say "not enabled"; a 400 later is a failed listing.
    if (pages > 0 || !isNotEnabled(error)) throw error;
    // Keep the service's own words, without the request line the client puts before them.
    notEnabled.push({ repository, message: error.message.replace(/^.*? failed with HTTP 400: /, '') });
  }
}
