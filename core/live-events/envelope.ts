/**
 * The service-hook envelope Azure DevOps POSTs (azure-devops-api.md §4.3): who sent it
 * (`subscriptionId`, `notificationId`), what happened (`id`, `eventType`, `publisherId`) and the
 * `resource` it happened to. Only the envelope is checked here; what each event type needs from
 * its resource is checked by its route (event-routes.ts).
 */
import { z } from 'zod';

const envelopeSchema = z.looseObject({
  subscriptionId: z.string().optional(),
  notificationId: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).optional(),
  id: z.string().min(1, { error: 'must not be empty' }).optional(),
  eventType: z.string({ error: 'is missing' }).min(1, { error: 'must not be empty' }),
  publisherId: z.string({ error: 'is missing' }).min(1, { error: 'must not be empty' }),
  // With "Resource details to send: None" the service leaves `resource` out; nothing can be
  // re-fetched without at least the ids it carries (§4.3, "Minimal resource").
  resource: z.record(z.string(), z.unknown(), {
    error: 'is missing or not an object: set "Resource details to send" to All or Minimal on the subscription',
  }),
  resourceVersion: z.string().optional(),
  resourceContainers: z
    .looseObject({
      project: z.looseObject({ id: z.string().optional() }).optional(),
    })
    .optional(),
  createdDate: z.string().optional(),
});

export type ServiceHookEvent = {
  /** What de-duplication keys on: the event id, else subscription and notification ids. */
  readonly dedupeKey: string;
  readonly eventId: string | undefined;
  readonly notificationId: number | undefined;
  readonly subscriptionId: string | undefined;
  readonly eventType: string;
  readonly publisherId: string;
  readonly resource: Record<string, unknown>;
  /** `resourceContainers.project.id`, when the service sent it. */
  readonly projectId: string | undefined;
  readonly createdDate: string | undefined;
};

export type EnvelopeResult = { ok: true; event: ServiceHookEvent } | { ok: false; reason: string };

/** Validates a parsed JSON body as a service-hook envelope; the reason names every missing or wrong field. */
export function parseEnvelope(body: unknown): EnvelopeResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the body must be a JSON object (a service-hook event)' };
  }
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`);
    return { ok: false, reason: `not a service-hook event: ${[...new Set(reasons)].join('; ')}` };
  }
  const data = parsed.data;
  // The same event goes to every matching subscription under one event id, each delivery with its
  // own notification id; redeliveries repeat both. Keying on the event id drops both kinds of copy.
  const dedupeKey = data.id !== undefined ? `event:${data.id}` : data.notificationId !== undefined ? `notification:${data.subscriptionId ?? ''}:${data.notificationId}` : undefined;
  if (dedupeKey === undefined) {
    return { ok: false, reason: 'not a service-hook event: it has neither an event id (id) nor a notificationId, so duplicates could not be recognised' };
  }
  return {
    ok: true,
    event: {
      dedupeKey,
      eventId: data.id,
      notificationId: data.notificationId,
      subscriptionId: data.subscriptionId,
      eventType: data.eventType,
      publisherId: data.publisherId,
      resource: data.resource,
      projectId: data.resourceContainers?.project?.id,
      createdDate: data.createdDate,
    },
  };
}
