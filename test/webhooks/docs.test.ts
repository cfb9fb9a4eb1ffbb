import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../core/config/known-values';
import { OWNER_HEADER } from '../../core/webhooks/consumer-inputs';
import { FINGERPRINT_HEADER } from '../../core/webhooks/fingerprint';
import { RECEIVER_PATH } from '../../core/webhooks/receiver';

const doc = readFileSync(join(__dirname, '../../docs/webhooks.md'), 'utf8');

describe('docs/webhooks.md', () => {
  it('lists exactly the event types registered, per publisher', () => {
    for (const [publisher, events] of Object.entries(WEBHOOK_EVENT_TYPES)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${publisher}\``));
      expect(row, publisher).toBeDefined();
      const listed = [...(row?.split('|')[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(listed.sort(), publisher).toEqual([...events].sort());
    }
  });

  it('names the receiver path and our headers as the code does', () => {
    expect(doc).toContain(`<baseUrl>${RECEIVER_PATH}`);
    expect(doc).toContain(`\`${OWNER_HEADER}\``);
    expect(doc).toContain(`\`${FINGERPRINT_HEADER}\``);
  });
});
