import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  layerFromEnvironment,
  layerFromFlags,
  parseConfigFile,
  redactWith,
  resolveConfig,
  secretValues,
  syncConfigSchema,
  type ConfigLayer,
  type FlagValue,
  type SyncConfigInput,
} from '../../../core/config';
import { validEnv } from './fixtures';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

type Overrides = Omit<Partial<SyncConfigInput>, 'port' | 'azureDevOps'> & {
  port?: Partial<SyncConfigInput['port']>;
  azureDevOps?: Partial<SyncConfigInput['azureDevOps']>;
};

const configWith = (overrides: Overrides) =>
  syncConfigSchema.parse({
    ...overrides,
    port: { clientId: 'id', clientSecret: 'port-client-secret-1', ...overrides.port },
    azureDevOps: { organizationUrl: 'https://dev.azure.com/contoso', credential: { type: 'pat', token: 'pat-token-123' }, ...overrides.azureDevOps },
  });

describe('secretValues', () => {
  it('lists the Port client secret, the PAT and the PAT as it travels in Basic auth', () => {
    const secrets = secretValues(configWith({}));
    expect(secrets).toEqual(expect.arrayContaining(['port-client-secret-1', 'pat-token-123', b64(':pat-token-123')]));
    expect(secrets).not.toContain('id');
  });

  it('lists a bearer token as is (it travels as "Bearer <token>")', () => {
    const secrets = secretValues(configWith({ azureDevOps: { credential: { type: 'bearer', token: 'eyJ0.eyJh.c2ln' } } }));
    expect(secrets).toContain('eyJ0.eyJh.c2ln');
    expect(secrets).not.toContain(b64(':eyJ0.eyJh.c2ln'));
  });

  it('lists the webhook secret and the Basic-auth header the receiver will see', () => {
    const secrets = secretValues(configWith({ webhooks: { secret: 'hook?secret/1', username: 'svc' } }));
    expect(secrets).toEqual(expect.arrayContaining(['hook?secret/1', encodeURIComponent('hook?secret/1'), b64('svc:hook?secret/1')]));
  });

  it('lists a secret as JSON quotes it and as the Markdown summary escapes it', () => {
    const secret = 'wh"ook|sec\\ret-9f8e7d';
    const secrets = secretValues(configWith({ webhooks: { secret, username: 'svc' } }));
    expect(secrets).toEqual(expect.arrayContaining([secret, 'wh\\"ook|sec\\\\ret-9f8e7d', 'wh"ook\\|sec\\ret-9f8e7d']));
    // What a masker built from the list leaves of each form.
    const mask = redactWith(secrets);
    expect(mask(`quoted: ${JSON.stringify({ value: secret })}`)).toBe('quoted: {"value":"***"}');
    expect(mask(`| ${secret.replace(/\|/g, '\\|')} |`)).toBe('| *** |');
  });

  it('lists secret header values, not the others', () => {
    const secrets = secretValues(
      configWith({
        webhooks: {
          headers: {
            'X-Receiver-Key': { value: 'receiver-token-9', secret: true },
            'X-Team': { value: 'platform', secret: false },
          },
        },
      }),
    );
    expect(secrets).toEqual(expect.arrayContaining(['receiver-token-9']));
    expect(secrets).not.toContain('platform');
  });

  it('lists the password of a proxy URL in every form it can take', () => {
    const secrets = secretValues(configWith({ network: { proxyUrl: 'http://alice:p%40ss-word@proxy.corp:3128' } }));
    expect(secrets).toEqual(expect.arrayContaining(['p@ss-word', 'p%40ss-word', b64('alice:p@ss-word'), 'http://alice:p%40ss-word@proxy.corp:3128']));
    expect(secretValues(configWith({ network: { proxyUrl: 'http://proxy.corp:3128' } }))).not.toContain('http://proxy.corp:3128');
  });

  it('orders the longest first, so a redactor never leaves part of a longer secret behind', () => {
    const secrets = secretValues(configWith({ webhooks: { secret: 'pat-token-123-and-more' } }));
    const lengths = secrets.map((s) => s.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(redactWith(secrets)('x pat-token-123-and-more y pat-token-123 z')).toBe('x *** y *** z');
  });
});

// --- no secret in any message -------------------------------------------------------------------

/** A front-door mistake that puts the secret somewhere a message might talk about. */
type Scenario = (secret: string) => { env?: Record<string, string>; file?: string; flags?: Record<string, FlagValue> };

const SCENARIOS: Record<string, Scenario> = {
  'PAT with a space in it': (s) => ({ env: { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: `${s} ${s}` } }),
  'PAT pasted into the organization URL variable': (s) => ({ env: { OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: s } }),
  'PAT inside an organization URL path that gets quoted': (s) => ({
    env: { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: s, OCEAN__INTEGRATION__CONFIG__ORGANIZATION_URL: `https://dev.azure.com/contoso/${s}` },
  }),
  'PAT as a kind filter that gets quoted': (s) => ({ env: { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: s, PORT_ADO_SYNC_KINDS: s } }),
  'client secret with a line break': (s) => ({ env: { OCEAN__PORT__CLIENT_SECRET: `${s}\n${s}` } }),
  'client secret in the Port URL variable': (s) => ({ env: { OCEAN__PORT__BASE_URL: s } }),
  'webhook secret with a line break': (s) => ({ env: { OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: `${s}\r\n` } }),
  'bearer token with its prefix': (s) => ({ env: { PORT_ADO_SYNC_BEARER_TOKEN: `Bearer ${s}` } }),
  'Entra client secret Ocean would use': (s) => ({ env: { OCEAN__INTEGRATION__CONFIG__CLIENT_SECRET: s } }),
  'PAT on the command line': (s) => ({ flags: { pat: s } }),
  'proxy password on the command line': (s) => ({ flags: { proxy: `http://alice:${s}@proxy.corp:3128` } }),
  'secret in a broken YAML line': (s) => ({ file: `port:\n  clientSecret: "${s}\n  clientId: x\n` }),
  'PAT in the file with a space': (s) => ({ file: `azureDevOps:\n  personalAccessToken: ${s} ${s}\n` }),
  'secret header under a bad header name': (s) => ({ file: `webhooks:\n  headers:\n    "Bad Name": ${s}\n` }),
  'secret in the file as a credential of unknown type': (s) => ({ file: `azureDevOps:\n  credential:\n    type: basic\n    token: ${s}\n` }),
  'overridden bad PAT (a warning, not an error)': (s) => ({
    env: { OCEAN__INTEGRATION__CONFIG__PERSONAL_ACCESS_TOKEN: `${s} x` },
    file: `azureDevOps:\n  bearerToken: \${ENTRA}\n`,
  }),
};

describe('property: no message ever contains a secret, not even a rejected one', () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9]{16,40}$/);

  it('holds for any combination of mistakes', () => {
    fc.assert(
      fc.property(secret, fc.subarray(Object.keys(SCENARIOS), { minLength: 1 }), (s, chosen) => {
        const env: Record<string, string | undefined> = { ...validEnv(), ENTRA: 'eyJ0.eyJh.c2ln' };
        const flags: Record<string, FlagValue> = {};
        const layers: ConfigLayer[] = [];
        for (const name of chosen) {
          const part = SCENARIOS[name]!(s);
          Object.assign(env, part.env);
          Object.assign(flags, part.flags);
          if (part.file) layers.push(parseConfigFile(part.file, { env, displayPath: 'port-ado-sync.yml', baseDir: '/repo' }));
        }
        layers.push(layerFromEnvironment(env), layerFromFlags(flags));

        let texts: string[];
        try {
          const { warnings } = resolveConfig(layers);
          texts = [JSON.stringify(warnings)];
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          texts = [error.message, JSON.stringify(error.problems), JSON.stringify(error.warnings)];
        }
        for (const text of texts) expect(text).not.toContain(s);
      }),
      { numRuns: 150 },
    );
  });

  it.each(Object.entries(SCENARIOS))('%s: is reported, without the secret', (_name, scenario) => {
    const s = 'Zq7Secret0Value0Abc';
    const part = scenario(s);
    const env = { ...validEnv(), ENTRA: 'eyJ0.eyJh.c2ln', ...part.env };
    const layers = [
      ...(part.file ? [parseConfigFile(part.file, { env, displayPath: 'f.yml', baseDir: '/' })] : []),
      layerFromEnvironment(env),
      layerFromFlags(part.flags ?? {}),
    ];
    let reported: { message?: string }[];
    try {
      reported = [...resolveConfig(layers).warnings];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      reported = [...error.problems, ...error.warnings];
    }
    // Each mistake is noticed (as a problem or a warning) …
    expect(reported.length).toBeGreaterThan(0);
    // … and never quoted.
    expect(JSON.stringify(reported)).not.toContain(s);
  });
});
