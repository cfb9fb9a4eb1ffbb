import { z } from 'zod';
import type { AzureDevOpsClient } from '../azure-devops/client';
import { AzureDevOpsAuthError, AzureDevOpsError, AzureDevOpsNotFoundError } from '../azure-devops/errors';
import type { WebhookPublisher } from '../config/known-values';
import { apiVersionOf, serviceOf } from './catalog';
import type { ConsumerInputs } from './consumer-inputs';
import { scopeLabel, type WebhookScope } from './desired-state';

/**
 * The service-hook subscription API (hooks 7.1, azure-devops-api.md §4.1), on the host of each
 * publisher. A create (POST) is never retried, so one that timed out cannot turn into two
 * subscriptions. A replace (PUT of the whole subscription) and a delete have the same effect when
 * sent twice, so they are retried like reads (5xx, timeouts, resets); a delete answered 404 (gone
 * already: an earlier attempt whose answer was lost, or someone else) is done.
 */

export const CONSUMER_ID = 'webHooks';
export const CONSUMER_ACTION_ID = 'httpRequest';

const inputValues = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((record) => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record ?? {})) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    }
    return out;
  });

const subscriptionSchema = z.looseObject({
  id: z.string(),
  publisherId: z.string(),
  eventType: z.string(),
  consumerId: z.string().nullish(),
  consumerActionId: z.string().nullish(),
  status: z.string().nullish(),
  resourceVersion: z.string().nullish(),
  publisherInputs: inputValues,
  consumerInputs: inputValues,
});

const listSchema = z.object({ value: z.array(z.unknown()) });

export type ExistingSubscription = {
  readonly id: string;
  readonly publisherId: string;
  readonly eventType: string;
  readonly consumerId: string;
  readonly consumerActionId: string;
  /** `enabled`, `onProbation`, `disabledByUser`, `disabledBySystem`, `disabledByInactiveIdentity`. */
  readonly status: string;
  /** The payload version the service sends (it fills in the publisher's current one when none was asked for). */
  readonly resourceVersion?: string | undefined;
  readonly publisherInputs: Readonly<Record<string, string>>;
  readonly consumerInputs: ConsumerInputs;
};

export type SubscriptionBody = {
  readonly publisherId: WebhookPublisher;
  readonly eventType: string;
  readonly scope: WebhookScope;
  readonly consumerInputs: ConsumerInputs;
};

/** The service refused a hooks call for lack of permission (HTTP 401/403 after the credential was accepted). */
export class WebhookPermissionError extends Error {}

type Operation = 'list' | 'create' | 'update' | 'delete';

export class SubscriptionsApi {
  constructor(private readonly client: AzureDevOpsClient) {}

  /**
   * Every subscription of one publisher for the webHooks consumer, from the publisher's host.
   * Filtered on the server: the unfiltered listing timed out on large organizations (Ocean's CHANGELOG).
   */
  async list(publisherId: WebhookPublisher): Promise<ExistingSubscription[]> {
    const response = await this.call('list', { publisherId }, () =>
      this.client.request({
        service: serviceOf(publisherId),
        path: '_apis/hooks/subscriptions',
        query: { publisherId, consumerId: CONSUMER_ID, consumerActionId: CONSUMER_ACTION_ID },
        apiVersion: apiVersionOf(publisherId),
      }),
    );
    const list = listSchema.safeParse(response.body);
    if (!list.success) throw new AzureDevOpsError(`The ${publisherId} subscriptions listing did not answer a {count, value} list.`, '_apis/hooks/subscriptions');
    return list.data.value.map((item) => parseSubscription(item));
  }

  async create(body: SubscriptionBody): Promise<ExistingSubscription> {
    const response = await this.call('create', body, () =>
      this.client.request({ service: serviceOf(body.publisherId), method: 'POST', path: '_apis/hooks/subscriptions', body: wireBody(body), apiVersion: apiVersionOf(body.publisherId) }),
    );
    return parseSubscription(response.body);
  }

  /** PUT replaces the whole subscription; `status: enabled` re-enables a disabled or probation one. */
  async replace(id: string, body: SubscriptionBody): Promise<ExistingSubscription> {
    const response = await this.call('update', body, () =>
      this.client.request({
        service: serviceOf(body.publisherId),
        method: 'PUT',
        path: `_apis/hooks/subscriptions/${encodeURIComponent(id)}`,
        body: { id, ...wireBody(body) },
        apiVersion: apiVersionOf(body.publisherId),
        idempotent: true,
      }),
    );
    return parseSubscription(response.body);
  }

  /** `gone`: there was nothing to delete any more (HTTP 404). */
  async delete(id: string, target: { publisherId: WebhookPublisher; eventType: string; scope: WebhookScope }): Promise<'deleted' | 'gone'> {
    return this.call('delete', target, async () => {
      try {
        await this.client.request({ service: serviceOf(target.publisherId), method: 'DELETE', path: `_apis/hooks/subscriptions/${encodeURIComponent(id)}`, apiVersion: apiVersionOf(target.publisherId), idempotent: true });
        return 'deleted' as const;
      } catch (error) {
        if (error instanceof AzureDevOpsNotFoundError) return 'gone' as const;
        throw error;
      }
    });
  }

  private async call<T>(operation: Operation, target: { publisherId: string; eventType?: string; scope?: WebhookScope }, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof AzureDevOpsAuthError && (error.status === 401 || error.status === 403)) {
        throw new WebhookPermissionError(permissionMessage(operation, target, error));
      }
      throw error;
    }
  }
}

function wireBody(body: SubscriptionBody): Record<string, unknown> {
  return {
    publisherId: body.publisherId,
    eventType: body.eventType,
    consumerId: CONSUMER_ID,
    consumerActionId: CONSUMER_ACTION_ID,
    publisherInputs: body.scope.projectId === undefined ? {} : { projectId: body.scope.projectId },
    consumerInputs: body.consumerInputs,
    status: 'enabled',
  };
}

function parseSubscription(item: unknown): ExistingSubscription {
  const parsed = subscriptionSchema.safeParse(item);
  if (!parsed.success) {
    throw new AzureDevOpsError(`Azure DevOps returned a subscription without the fields registration relies on: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, '_apis/hooks/subscriptions');
  }
  const s = parsed.data;
  return {
    id: s.id,
    publisherId: s.publisherId,
    eventType: s.eventType,
    consumerId: s.consumerId ?? '',
    consumerActionId: s.consumerActionId ?? '',
    status: s.status ?? 'enabled',
    ...(s.resourceVersion ? { resourceVersion: s.resourceVersion } : {}),
    publisherInputs: s.publisherInputs,
    consumerInputs: s.consumerInputs,
  };
}

/**
 * Service Hooks permissions (View, Edit and Delete subscriptions) are granted per project or for
 * the organization; the docs ask for Project Collection Administrator rights for webhook setup
 * (azure-devops-api.md §4.1). A PAT also needs the Service Hooks scope.
 */
function permissionMessage(operation: Operation, target: { publisherId: string; eventType?: string; scope?: WebhookScope }, error: AzureDevOpsAuthError): string {
  const permission = { list: 'View subscriptions', create: 'Edit subscriptions', update: 'Edit subscriptions', delete: 'Delete subscriptions' }[operation];
  const scope = operation === 'list' ? 'Service Hooks (Read)' : 'Service Hooks (Read & write)';
  // No event type in the text: the same refusal for every event type of a project reads as one problem.
  const what = operation === 'list' ? `list the ${target.publisherId} service-hook subscriptions` : `${operation} service-hook subscriptions for the ${target.scope ? scopeLabel(target.scope) : 'organization'}`;
  const where =
    target.scope?.projectId !== undefined && operation !== 'list'
      ? `on project '${target.scope.projectName}' (Project settings > Service hooks > Security)`
      : 'for the organization (Organization settings > Permissions; Project Collection Administrators have it)';
  return (
    `Azure DevOps refused to ${what} (HTTP ${error.status ?? '401'}${error.code ? `, ${error.code}` : ''}): the identity needs the Service Hooks permission "${permission}" ${where}` +
    `, and a personal access token needs the scope "${scope}". The job access token (System.AccessToken) usually has neither; use a token of a Project Collection Administrator.`
  );
}
