import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { JsonObject } from '../wire/json';

export interface DeliveryResult {
  ok: boolean;
  statusCode: number | undefined;
  error: string | undefined;
}

/** `httpHeaders`: one `Key:Value` per line (webHooks consumer input, azure-devops-api.md §4.2). */
export function parseHttpHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n|\r/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

/**
 * POSTs one notification. Basic auth comes from `basicAuthUsername`/`basicAuthPassword`; there is
 * no signature header (the service does not sign payloads, §0 item 9).
 */
export function deliver(url: string, payload: JsonObject, inputs: Record<string, string>, timeoutMs: number): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, statusCode: undefined, error: `invalid url ${url}` });
      return;
    }
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const headers: Record<string, string> = {
      ...parseHttpHeaders(inputs.httpHeaders),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(body.length),
      'User-Agent': 'VSServices/16.255.0 (ServiceHooks)',
    };
    if (inputs.basicAuthUsername || inputs.basicAuthPassword) {
      headers.Authorization = `Basic ${Buffer.from(`${inputs.basicAuthUsername ?? ''}:${inputs.basicAuthPassword ?? ''}`, 'utf8').toString('base64')}`;
    }
    const send = target.protocol === 'https:' ? httpsRequest : request;
    const req = send(target, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, statusCode: status, error: status >= 200 && status < 300 ? undefined : `HTTP ${status}` });
      });
      res.on('error', (error) => resolve({ ok: false, statusCode: res.statusCode, error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, statusCode: undefined, error: error.message }));
    req.end(body);
  });
}
