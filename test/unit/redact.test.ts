import { describe, expect, it } from 'vitest';
import { redact } from '../../core/sync/redact';

describe('redact', () => {
  it('removes configured secrets wherever they appear', () => {
    const out = redact({ a: 'x-s3cr3t-value-y', nested: [{ b: 's3cr3t-value' }], n: 3 }, ['s3cr3t-value']);
    expect(out).toEqual({ a: '[REDACTED]', nested: [{ b: '[REDACTED]' }], n: 3 });
  });

  it('redacts values under secret-looking keys and token-shaped values', () => {
    const pat = 'a'.repeat(20) + '234567abcdefghijklmnopqrstuvwxyz';
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnopqrstuv';
    expect(redact({ password: 'hunter2', webhookToken: 'abc', note: `token ${jwt}`, code: pat, name: 'fine' }, [])).toEqual({
      password: '[REDACTED]',
      webhookToken: '[REDACTED]',
      note: '[REDACTED]',
      code: '[REDACTED]',
      name: 'fine',
    });
  });

  it('redacts everything below a secret-looking key, in objects and lists', () => {
    const item = { variables: { DeployToken: { value: 'plain-value-123', isSecret: false }, Region: { value: 'westeurope' } }, apiKeys: ['k-123456789', 'k-987654321'], pin: { secretCode: 4242 } };
    expect(redact(item, [])).toEqual({
      variables: { DeployToken: { value: '[REDACTED]', isSecret: false }, Region: { value: 'westeurope' } },
      apiKeys: ['[REDACTED]', '[REDACTED]'],
      pin: { secretCode: '[REDACTED]' },
    });
  });

  it('leaves ordinary Azure DevOps data alone', () => {
    const item = { id: '7c1e4f7a-0000-4000-8000-000000000001', name: 'Fabrikam (web)', url: 'https://dev.azure.com/org/_apis/projects/1', revision: 42 };
    expect(redact(item, ['unrelated-secret'])).toEqual(item);
  });
});
