import { expect } from 'vitest';
import { ConfigError, layerFromEnvironment, resolveConfig, type ConfigLayer, type ConfigProblem, type ResolvedConfig } from '../../../core/config';

// Distinctive, so a test can search every message for them.
export const PAT = 'patTOKEN4bcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
export const CLIENT_SECRET = 'portSECRET9zyxwvutsrqp87654321';
export const CWD = '/work/repo';

/** What Port's documented `port-ocean-credentials` variable group provides. */
export function validEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OCEAN__PORT__CLIENT_ID: 'client-id-1',
    OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
    OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: 'https://dev.azure.com/contoso',
    OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: PAT,
    ...overrides,
  };
}

export function resolveEnv(env: Record<string, string | undefined>): ResolvedConfig {
  return resolveConfig([layerFromEnvironment(env, { cwd: CWD })]);
}

/** The problems of the ConfigError `run` throws; fails the test if it does not throw one. */
export function problemsOf(run: () => unknown): readonly ConfigProblem[] {
  return configErrorOf(run).problems;
}

export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration resolved');
}

export function resolveLayers(...layers: ConfigLayer[]): ResolvedConfig {
  return resolveConfig(layers);
}

/** `expect.stringMatching`, typed (the matcher is `any`, which lint rightly refuses to spread around). */
export function matching(pattern: RegExp): string {
  return expect.stringMatching(pattern) as string;
}

/** The lines of a config file that holds just the required settings, secrets from ${PORT_CLIENT_SECRET} and ${ADO_PAT}. */
export const REQUIRED_FILE_LINES: readonly string[] = [
  'port:',
  '  clientId: client-id-1',
  '  clientSecret: ${PORT_CLIENT_SECRET}',
  'azureDevOps:',
  '  organizationUrl: https://dev.azure.com/contoso',
  '  personalAccessToken: ${ADO_PAT}',
];
