/**
 * What the job offers when nothing else says otherwise, as the lowest-ranked layer: this
 * pipeline's organization, the job's access token, the agent's proxy and certificates, a summary
 * file in the agent's temporary directory, and in a parallel or matrix job its position as the
 * shard. Any input, variable or `env:` mapping wins over these.
 */
import { layerFromInputs, type ConfigLayer, type InputValues, type TextKey } from '../../core/config';
import { shardFromJobPosition, shardText } from '../../core/shards/shard';
import type { Agent, AgentCertificates, AgentProxy } from './agent';

export interface JobDefaults {
  readonly layer: ConfigLayer;
  readonly warnings: readonly string[];
}

export interface JobDefaultsOptions {
  readonly offerJobAccessToken: boolean;
  /** Where the JSON summary goes unless an input or variable says otherwise. */
  readonly summaryPath: string;
}

export function jobDefaults(agent: Agent, options: JobDefaultsOptions): JobDefaults {
  const values: InputValues = {};
  const labels = new Map<TextKey, string>();
  const warnings: string[] = [];
  const offer = (key: TextKey, value: string | undefined, label: string) => {
    if (value === undefined) return;
    values[key] = value;
    labels.set(key, label);
  };

  offer('azureDevOps.organizationUrl', agent.variable('System.CollectionUri'), "System.CollectionUri (this pipeline's organization)");
  if (options.offerJobAccessToken) {
    offer('azureDevOps.bearerToken', agent.jobAccessToken(), "System.AccessToken (the job's access token)");
  }
  offer('summaryPath', options.summaryPath, "the agent's temporary directory");
  // A job of a `parallel: n` or matrix strategy is shard position-1 of n (docs/scale-out.md); input `shard: none` opts out.
  const shard = shardFromJobPosition(agent.variable('System.JobPositionInPhase'), agent.variable('System.TotalJobsInPhase'));
  if (shard) {
    offer('shard', shardText(shard), 'System.JobPositionInPhase of System.TotalJobsInPhase (this parallel job)');
    // A matrix kept for something else (one leg per organization) would sync a share of each, silently.
    if (agent.input('shard') === undefined && (agent.variable('PORT_ADO_SYNC_SHARD') ?? process.env['PORT_ADO_SYNC_SHARD']) === undefined) {
      warnings.push(`This job is one of ${String(shard.count)} parallel or matrix jobs, so it syncs only shard ${shardText(shard)} of the projects (docs/scale-out.md). If the matrix is not meant to split one organization, set input shard: none.`);
    }
  }
  if ((agent.variable('System.Debug') ?? '').trim().toLowerCase() === 'true') offer('logLevel', 'debug', 'System.Debug');

  const proxy = agent.proxy();
  if (proxy) {
    const network = proxySettings(proxy);
    offer('network.proxyUrl', network.proxyUrl, "the agent's proxy setting (Agent.ProxyUrl)");
    if (network.noProxy.length > 0) offer('network.noProxy', network.noProxy.join(','), "the agent's proxy bypass list (Agent.ProxyBypassList)");
    warnings.push(...network.warnings);
  }
  const certificates: AgentCertificates = agent.certificates();
  offer('network.caFile', certificates.caFile, "the agent's CA certificate setting (Agent.CAInfo)");
  if (certificates.skipValidation) offer('network.rejectUnauthorized', 'false', "the agent's --sslskipcertvalidation setting (Agent.SkipCertValidation)");
  if (certificates.clientCertificate) {
    warnings.push("The agent is configured with a client certificate (Agent.ClientCert); this task does not present client certificates, so servers that require one will refuse its requests.");
  }

  return { layer: layerFromInputs(values, (key) => labels.get(key), { kind: 'fallback' }), warnings };
}

/**
 * The agent's proxy as one URL (credentials percent-encoded, which task-lib's own formatted URL
 * does not do) and its bypass list as NO_PROXY host names. The agent's bypass entries are regular
 * expressions matched anywhere in the request URL; the usual ones (`dev\.azure\.com`,
 * `.*\.corp\.local`) are host names in disguise and translate exactly. Anything cleverer is
 * reported rather than guessed at.
 */
export function proxySettings(proxy: AgentProxy): { proxyUrl: string; noProxy: string[]; warnings: string[] } {
  const url = new URL(proxy.url);
  const proxyUrl = proxy.username ? `${url.protocol}//${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? '')}@${url.host}` : `${url.protocol}//${url.host}`;
  const noProxy: string[] = [];
  const untranslated: string[] = [];
  for (const pattern of proxy.bypass) {
    const host = bypassPatternToHost(pattern);
    if (host === undefined) untranslated.push(pattern);
    else noProxy.push(host);
  }
  const warnings =
    untranslated.length === 0
      ? []
      : [
          `These entries of the agent's proxy bypass list are not plain host names, so requests they would exempt go through the proxy: ${untranslated.join(', ')}. Set NO_PROXY (host names, comma-separated) to exempt them.`,
        ];
  return { proxyUrl, noProxy, warnings };
}

export function bypassPatternToHost(pattern: string): string | undefined {
  let text = pattern.trim().replace(/^\^/, '').replace(/\$$/, '');
  // A scheme in front: `https://`, `https?://` or `(https?://)?`.
  text = text.replace(/^(?:\(https\?:\/\/\)\?|https\?:\/\/|https?:\/\/)/, '');
  let suffix = false;
  if (/^\.\*\\?\./.test(text)) {
    suffix = true;
    text = text.replace(/^\.\*\\?\./, '');
  } else if (text.startsWith('.*')) {
    return undefined;
  }
  text = text.replace(/(\/\.\*|\/)$/, '');
  const host = text.replace(/\\\./g, '.');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*(:\d+)?$/i.test(host)) return undefined;
  return suffix ? `.${host}` : host;
}
