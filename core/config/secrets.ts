/**
 * Every secret in a resolved configuration, in every form that could reach a log: the wrappers
 * register these with their CI's masking (task-lib `setSecret`, `core.setSecret`) and the logger
 * redacts them. A secret that only appears base64-encoded inside an Authorization header still
 * leaks if someone logs the header, so the encoded forms are listed too.
 */
import type { SyncConfig } from './model';

export function secretValues(config: SyncConfig): string[] {
  const found = new Set<string>();
  const add = (secret: string | undefined) => {
    if (secret === undefined || secret.length === 0) return;
    found.add(secret);
    // A secret in a URL or query string appears percent-encoded; quoted back in a JSON answer or
    // message, with `"` and `\` escaped; in a Markdown table of the summary, with `|` escaped.
    for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), secret.replace(/\|/g, '\\|')]) found.add(form);
  };
  const basic = (user: string, password: string) => add(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));

  add(config.port.clientSecret);

  const credential = config.azureDevOps.credential;
  add(credential.token);
  // A PAT travels as Basic auth with an empty user name (azure-devops-api.md, authentication).
  if (credential.type === 'pat') basic('', credential.token);

  const webhooks = config.webhooks;
  if (webhooks.secret !== undefined) {
    add(webhooks.secret);
    // Sent to Azure DevOps as the subscription's basicAuthPassword; the receiver sees the header.
    basic(webhooks.username, webhooks.secret);
  }
  for (const header of Object.values(webhooks.headers)) {
    if (!header.secret) continue;
    // One word: Azure DevOps takes no header value with a space, so "Bearer abc" never gets here.
    add(header.value);
  }

  const proxy = config.network.proxyUrl;
  if (proxy !== undefined) {
    const url = new URL(proxy);
    if (url.password !== '') {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      add(password);
      add(url.password);
      basic(user, password);
      add(proxy);
    }
  }

  // Longest first, so a redactor replacing in order never leaves half of a longer secret behind.
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every secret of the configuration in a text, for loggers and summaries. */
export function redactWith(secrets: readonly string[]): (text: string) => string {
  const ordered = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((out, secret) => out.split(secret).join('***'), text);
}
