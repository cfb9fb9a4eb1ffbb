/**
 * Settings of the HTTP service itself (where it listens, how much it buffers). They are not part of
 * the sync's configuration model, which every front door shares: only the receiver has them. They
 * come from `receive` flags or from environment variables, flags first; `PORT` is honoured because
 * App Service and most container platforms tell a service its port that way.
 */
import { z } from 'zod';
import { parseBooleanText } from '../config/text-values';

const whole = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .min(min, { error: `must be at least ${min} (${what})` })
    .max(max, { error: `must be at most ${max} (${what})` });

/** A switch: `true`/`false` from a flag, or the words the configuration accepts for booleans from a variable. */
const switchValue = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const parsed = parseBooleanText(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

export const receiverOptionsSchema = z.object({
  host: z.string().trim().min(1, { error: 'must not be empty' }).default('0.0.0.0'),
  port: whole('a TCP port; 0 picks a free one', 0, 65_535).default(8000),
  maxBodyBytes: whole('bytes', 1024, 64 * 1024 * 1024).default(2 * 1024 * 1024),
  queueCapacity: whole('events', 1, 100_000).default(500),
  workers: whole('events processed at once', 1, 64).default(4),
  eventTimeoutSeconds: whole('seconds', 1, 3600).default(90),
  drainSeconds: whole('seconds', 0, 3600).default(30),
  retryAfterSeconds: whole('seconds', 1, 3600).default(30),
  mappingRefreshSeconds: whole('seconds; 0 reads the mapping only at start', 0, 86_400).default(300),
  parentCacheSeconds: whole('seconds', 0, 3600).default(60),
  dedupeCapacity: whole('event ids', 100, 1_000_000).default(10_000),
  eventAttempts: whole('tries of one event; 1 never retries', 1, 10).default(3),
  retryDelaySeconds: whole('seconds before the second try; doubled for each further one', 0, 3600).default(30),
  circuitThreshold: whole('events', 1, 10_000).default(5),
  allowUnauthenticated: switchValue.default(false),
});

export type ReceiverOptions = z.output<typeof receiverOptionsSchema>;
export type ReceiverOptionsInput = z.input<typeof receiverOptionsSchema>;

type OptionKey = keyof ReceiverOptions;

/** Flag name, environment variable and description of each option (for --help and docs/receiver.md); `switch` ones take no value. */
export const RECEIVER_OPTIONS: readonly { key: OptionKey; flag: string; env: string; description: string; switch?: true }[] = [
  { key: 'host', flag: 'host', env: 'PORT_ADO_SYNC_RECEIVER_HOST', description: 'address to listen on (default 0.0.0.0)' },
  { key: 'port', flag: 'listen-port', env: 'PORT_ADO_SYNC_RECEIVER_PORT', description: 'TCP port (default 8000, or $PORT)' },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', env: 'PORT_ADO_SYNC_RECEIVER_MAX_BODY_BYTES', description: 'largest accepted event body (default 2097152)' },
  { key: 'queueCapacity', flag: 'queue-size', env: 'PORT_ADO_SYNC_RECEIVER_QUEUE_SIZE', description: 'events that may wait before 503 (default 500)' },
  { key: 'workers', flag: 'workers', env: 'PORT_ADO_SYNC_RECEIVER_WORKERS', description: 'events processed at once (default 4)' },
  { key: 'eventTimeoutSeconds', flag: 'event-timeout', env: 'PORT_ADO_SYNC_RECEIVER_EVENT_TIMEOUT', description: 'seconds one event may take (default 90)' },
  { key: 'drainSeconds', flag: 'drain-timeout', env: 'PORT_ADO_SYNC_RECEIVER_DRAIN_TIMEOUT', description: 'seconds to finish queued events on SIGTERM; then the rest is dropped (default 30; keep below the platform grace period)' },
  { key: 'retryAfterSeconds', flag: 'retry-after', env: 'PORT_ADO_SYNC_RECEIVER_RETRY_AFTER', description: 'Retry-After sent with 503, and how long an open circuit stays open (default 30)' },
  { key: 'mappingRefreshSeconds', flag: 'mapping-refresh', env: 'PORT_ADO_SYNC_RECEIVER_MAPPING_REFRESH', description: 'seconds between mapping re-reads (default 300; 0 = at start only)' },
  { key: 'parentCacheSeconds', flag: 'parent-cache', env: 'PORT_ADO_SYNC_RECEIVER_PARENT_CACHE', description: 'seconds projects/repositories/pipelines listings are reused (default 60)' },
  { key: 'dedupeCapacity', flag: 'dedupe-size', env: 'PORT_ADO_SYNC_RECEIVER_DEDUPE_SIZE', description: 'event ids remembered for de-duplication (default 10000)' },
  { key: 'eventAttempts', flag: 'event-attempts', env: 'PORT_ADO_SYNC_RECEIVER_EVENT_ATTEMPTS', description: 'tries of an event that fails because Port or Azure DevOps is unavailable (default 3)' },
  { key: 'retryDelaySeconds', flag: 'event-retry-delay', env: 'PORT_ADO_SYNC_RECEIVER_EVENT_RETRY_DELAY', description: 'seconds before an event is tried again, doubled each time (default 30)' },
  { key: 'circuitThreshold', flag: 'circuit-threshold', env: 'PORT_ADO_SYNC_RECEIVER_CIRCUIT_THRESHOLD', description: 'events failing in a row on an outage before deliveries get 503 (default 5)' },
  {
    key: 'allowUnauthenticated',
    flag: 'allow-unauthenticated',
    env: 'PORT_ADO_SYNC_RECEIVER_ALLOW_UNAUTHENTICATED',
    description: 'start without a webhook secret on a non-loopback address (private networks only)',
    switch: true,
  },
];

export class ReceiverOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid receiver settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the options from flags (by flag name) and the environment; flags win. Every bad value is
 * reported at once, naming the flag or variable.
 * @throws ReceiverOptionsError
 */
export function readReceiverOptions(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): ReceiverOptions {
  const input: Record<string, unknown> = {};
  const sources: Partial<Record<OptionKey, string>> = {};
  if (env.PORT !== undefined && env.PORT.trim() !== '') {
    input.port = env.PORT.trim();
    sources.port = 'environment variable PORT';
  }
  for (const option of RECEIVER_OPTIONS) {
    const fromEnv = env[option.env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      input[option.key] = fromEnv.trim();
      sources[option.key] = `environment variable ${option.env}`;
    }
    const fromFlag = flags[option.flag];
    if (fromFlag !== undefined) {
      input[option.key] = fromFlag;
      sources[option.key] = `flag --${option.flag}`;
    }
  }
  const parsed = receiverOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ReceiverOptionsError(
    parsed.error.issues.map((issue) => {
      const key = issue.path[0] as OptionKey | undefined;
      return `${(key && sources[key]) ?? String(key)}: ${issue.message}`;
    }),
  );
}
