/**
 * What the task reads from the agent, behind one small interface so the input logic can be tested
 * with plain objects. `fromTaskLib` is the only place that calls azure-pipelines-task-lib's getters.
 */
import * as tl from 'azure-pipelines-task-lib/task';

export interface ServiceConnection {
  readonly url: string | undefined;
  /** `UsernamePassword` for the basic scheme our Port connection type uses. */
  readonly scheme: string | undefined;
  parameter(key: string): string | undefined;
}

export interface AgentProxy {
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The agent's bypass list: regular expressions matched against the request URL. */
  readonly bypass: readonly string[];
}

export interface AgentCertificates {
  /** Extra trusted CA certificates (PEM file), from the agent's --sslcacert. */
  readonly caFile: string | undefined;
  /** A client certificate is configured (--sslclientcert). */
  readonly clientCertificate: boolean;
  /** The agent was configured with --sslskipcertvalidation. */
  readonly skipValidation: boolean;
}

export interface Agent {
  /** An input's text, or undefined when the agent passed none (or the empty string). */
  input(name: string): string | undefined;
  /** A pipeline variable, secret variables included (the agent does not expose those as environment variables). */
  variable(name: string): string | undefined;
  serviceConnection(id: string): ServiceConnection | undefined;
  /** The job's access token (System.AccessToken) from the SystemVssConnection endpoint, without an `env:` mapping. */
  jobAccessToken(): string | undefined;
  proxy(): AgentProxy | undefined;
  certificates(): AgentCertificates;
}

const nonEmpty = (text: string | undefined): string | undefined => (text === undefined || text === '' ? undefined : text);

export function fromTaskLib(): Agent {
  return {
    input: (name) => nonEmpty(tl.getInput(name, false)),
    variable: (name) => nonEmpty(tl.getVariable(name)),
    serviceConnection: (id) => {
      const auth = tl.getEndpointAuthorization(id, true);
      const url = tl.getEndpointUrl(id, true);
      if (auth === undefined && url === undefined) return undefined;
      return {
        url: nonEmpty(url),
        scheme: nonEmpty(tl.getEndpointAuthorizationScheme(id, true)) ?? auth?.scheme,
        parameter: (key) => nonEmpty(tl.getEndpointAuthorizationParameter(id, key, true)) ?? nonEmpty(auth?.parameters[key]),
      };
    },
    // The agent names this endpoint's variables in capitals on Linux (ENDPOINT_AUTH_SYSTEMVSSCONNECTION),
    // which the task library's vault finds case-insensitively (packaging-and-conventions.md A4).
    jobAccessToken: () => nonEmpty(tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true)),
    proxy: () => {
      const proxy = tl.getHttpProxyConfiguration();
      if (!proxy) return undefined;
      return {
        url: proxy.proxyUrl,
        username: nonEmpty(proxy.proxyUsername),
        password: nonEmpty(proxy.proxyPassword),
        bypass: proxy.proxyBypassHosts ?? [],
      };
    },
    certificates: () => {
      const certificates = tl.getHttpCertConfiguration();
      return {
        caFile: nonEmpty(certificates?.caFile),
        clientCertificate: nonEmpty(certificates?.certFile) !== undefined,
        skipValidation: (tl.getVariable('Agent.SkipCertValidation') ?? '').trim().toLowerCase() === 'true',
      };
    },
  };
}
