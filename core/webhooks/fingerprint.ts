import { scrypt } from 'node:crypto';

/**
 * A fingerprint of the delivery credentials (Basic-auth user name and password, custom headers),
 * stored on each subscription so that a rotated secret is noticed.
 *
 * Why: Azure DevOps masks `basicAuthPassword` when it lists subscriptions (`********`,
 * azure-devops-api.md §4.1), so the stored password cannot be compared, and Ocean never propagated
 * a rotation (ocean-azure-devops.md §4). The fingerprint travels in a header of our own inside
 * `httpHeaders`, which the service returns as written.
 *
 * Anyone who can view the subscriptions can read it, so it must not help guess the secret: it is a
 * memory-hard scrypt hash (N=2^14, r=8), salted with the receiver URL so that one secret used for
 * two receivers gives two unrelated fingerprints. One hash per run: every subscription of a run has
 * the same credentials.
 */
export const FINGERPRINT_HEADER = 'X-Port-Ado-Sync-Fingerprint';
const VERSION = 'v1';

export type DeliveryCredentials = {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** Custom headers, without ours. */
  readonly headers: Readonly<Record<string, string>>;
};

export async function credentialsFingerprint(credentials: DeliveryCredentials, receiverUrl: string): Promise<string> {
  const headers = Object.entries(credentials.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const material = JSON.stringify([credentials.username ?? null, credentials.password ?? null, headers]);
  const salt = `port-ado-sync/webhooks/${VERSION}\n${receiverUrl}`;
  const hash = await new Promise<Buffer>((resolve, reject) => {
    scrypt(material, salt, 18, { N: 2 ** 14, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
  return `${VERSION}.${hash.toString('base64url')}`;
}
