import { isIP } from 'node:net';

/**
 * The receiver the subscriptions point at: `<baseUrl>/integration/webhook`, the path Port's Ocean
 * receiver listens on (Ocean mounts its router at `/integration` and every processor on `/webhook`,
 * ocean-azure-devops.md §4), so a receiver built for Ocean keeps working.
 */
export const RECEIVER_PATH = '/integration/webhook';

export function receiverUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${RECEIVER_PATH}`;
}

/**
 * Whether a subscription's URL is our receiver. The URL is what marks a subscription as ours
 * (prune only touches those), so compare it the way a server would route it: scheme and host
 * case-insensitively, default ports dropped, one trailing slash ignored.
 */
export function isSameReceiver(url: string | undefined, receiver: string): boolean {
  if (!url) return false;
  const a = canonical(url);
  return a !== undefined && a === canonical(receiver);
}

function canonical(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return undefined;
  }
}

/**
 * What the real service refuses (services/webhooks.md, azure-devops-api.md §4.1): targets on
 * loopback or special-range addresses, and Basic auth over plain HTTP. We warn rather than fail:
 * Azure DevOps Server and test setups may accept them, and the service's own answer is the
 * authority.
 */
export function receiverWarnings(url: string, options: { basicAuth: boolean; cloud: boolean }): string[] {
  const warnings: string[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`the receiver URL ${url} is not a valid URL`];
  }
  if (options.cloud && isPrivateHost(parsed.hostname)) {
    warnings.push(`the receiver ${parsed.host} is a loopback or private address; Azure DevOps Services cannot deliver to it and refuses such subscriptions ("Webhooks can't target localhost (loopback) or special range IPv4/IPv6 addresses"). Use the receiver's public URL.`);
  }
  if (options.basicAuth && parsed.protocol !== 'https:') {
    warnings.push(`the receiver URL uses http://, but Basic authentication needs HTTPS: Azure DevOps Services refuses it, and the webhook secret would cross the network in clear text. Use an https:// base URL.`);
  }
  return warnings;
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (family === 6) {
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  }
  return false;
}
