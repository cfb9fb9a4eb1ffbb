import { FINGERPRINT_HEADER } from './fingerprint';

/**
 * The `webHooks`/`httpRequest` consumer inputs we want on every subscription, and how an existing
 * subscription's inputs differ from them (azure-devops-api.md §4.2). Differences are described by
 * name only: header values and passwords may be secrets.
 */

export type ConsumerInputs = Readonly<Record<string, string>>;

/**
 * Names the Port integration that registered a subscription. The receiver URL is what makes a
 * subscription ours; this header lets prune also find ours at a receiver URL we used before (the
 * base URL changed), without touching another integration's subscriptions.
 */
export const OWNER_HEADER = 'X-Port-Ado-Sync-Integration';

export type ReceiverSettings = {
  readonly url: string;
  /** Basic auth is sent only with a secret (as Ocean does); the user name alone proves nothing. */
  readonly username: string;
  readonly secret: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  /** The Port integration identifier. */
  readonly integration: string;
};

/** `httpHeaders` is a text area: `Key:value`, one per line (CR or LF separated). */
export function formatHttpHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}:${value}`)
    .join('\n');
}

export function parseHttpHeaders(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split(/\r\n|\r|\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

export function desiredConsumerInputs(receiver: ReceiverSettings): ConsumerInputs {
  const ours = new Set([FINGERPRINT_HEADER.toLowerCase(), OWNER_HEADER.toLowerCase()]);
  const headers = Object.fromEntries(Object.entries(receiver.headers).filter(([name]) => !ours.has(name.toLowerCase())));
  return {
    url: receiver.url,
    ...(receiver.secret !== undefined ? { basicAuthUsername: receiver.username, basicAuthPassword: receiver.secret } : {}),
    httpHeaders: formatHttpHeaders({ ...headers, [OWNER_HEADER]: receiver.integration, [FINGERPRINT_HEADER]: receiver.fingerprint }),
    // The receiver re-reads resources but needs their ids; "minimal" or "none" would starve it.
    // All is the empty value: the service takes only "", "minimal" and "none" (hooks 7.1 consumer descriptor).
    resourceDetailsToSend: '',
  };
}

export function ownerOf(inputs: ConsumerInputs): string | undefined {
  return parseHttpHeaders(inputs.httpHeaders).get(OWNER_HEADER.toLowerCase());
}

/**
 * Whether a subscription sends Basic auth. The service lists the password masked (`********`), or
 * perhaps leaves it out (azure-devops-api.md §4.1), so a user name alone counts too.
 */
export function hasBasicAuth(inputs: ConsumerInputs): boolean {
  return (inputs.basicAuthPassword ?? '') !== '' || (inputs.basicAuthUsername ?? '') !== '';
}

const ALL_DETAILS = new Set(['', 'all']);

/** Why an existing subscription's consumer inputs are not what we want (empty: they are). */
export function consumerInputDrift(existing: ConsumerInputs, desired: ConsumerInputs): string[] {
  const reasons: string[] = [];
  const wantedHeaders = parseHttpHeaders(desired.httpHeaders);
  const actualHeaders = parseHttpHeaders(existing.httpHeaders);
  const fingerprint = FINGERPRINT_HEADER.toLowerCase();
  const actualFingerprint = actualHeaders.get(fingerprint);
  if (actualFingerprint === undefined) reasons.push('no credentials fingerprint (created outside port-ado-sync), so the password cannot be verified');
  else if (actualFingerprint !== wantedHeaders.get(fingerprint)) reasons.push('credentials or headers changed');

  if ((existing.basicAuthUsername ?? '') !== (desired.basicAuthUsername ?? '')) reasons.push('Basic-auth user name differs');
  // The password comes back masked, or maybe not at all: only its unwanted presence is visible.
  if (desired.basicAuthPassword === undefined && (existing.basicAuthPassword ?? '') !== '') reasons.push('has a Basic-auth password but no secret is configured');

  const changed = [...new Set([...wantedHeaders.keys(), ...actualHeaders.keys()])].filter((name) => name !== fingerprint && wantedHeaders.get(name) !== actualHeaders.get(name));
  if (changed.length > 0) reasons.push(`headers differ: ${changed.join(', ')}`);

  const details = (existing.resourceDetailsToSend ?? '').toLowerCase();
  if (!ALL_DETAILS.has(details)) reasons.push(`sends ${details} resource details`);
  return [...new Set(reasons)];
}
