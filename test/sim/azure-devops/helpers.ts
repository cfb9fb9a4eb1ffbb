import { request as httpRequest } from 'node:http';
import type { AzureDevOpsSimulator } from '../../../sim/azure-devops/index';

/**
 * A tiny HTTP client for the simulator tests: real sockets on 127.0.0.1, with an explicit `Host`
 * header so the cloud hosts (`dev.azure.com`, `vsrm.dev.azure.com`, …) can be exercised without
 * DNS. Independent of the engine's client on purpose.
 */

export interface SimResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
  header(name: string): string | undefined;
}

export interface RequestOptions {
  method?: string;
  /** Host header; default `127.0.0.1:PORT` (Azure DevOps Server form). */
  host?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** PAT sent as Basic with an empty user name; `null` sends no Authorization. Default `test-pat`. */
  pat?: string | null;
  bearer?: string;
}

export const PAT = 'test-pat';

export function basic(pat: string, user = ''): string {
  return `Basic ${Buffer.from(`${user}:${pat}`).toString('base64')}`;
}

export function send(sim: AzureDevOpsSimulator, path: string, options: RequestOptions = {}): Promise<SimResponse> {
  const headers: Record<string, string> = { Host: options.host ?? `127.0.0.1:${sim.port}`, 'X-TFS-FedAuthRedirect': 'Suppress', ...(options.headers ?? {}) };
  if (options.bearer !== undefined) headers.Authorization = `Bearer ${options.bearer}`;
  else if (options.pat !== null) headers.Authorization = basic(options.pat ?? PAT);
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: sim.port, path, method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: <T>() => JSON.parse(text) as T,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value[0] : value;
          },
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `/{org}` + path, Server form. */
export function get(sim: AzureDevOpsSimulator, path: string, options: RequestOptions = {}): Promise<SimResponse> {
  return send(sim, `/${sim.org}${path}`, options);
}

export function cloudHost(sim: AzureDevOpsSimulator, service: '' | 'vsrm' | 'vssps' | 'vsaex' | 'advsec' = ''): string {
  return `${service ? `${service}.` : ''}dev.azure.com:${sim.port}`;
}

export interface ListBody<T = Record<string, unknown>> {
  count: number;
  value: T[];
}

/** Follows `x-ms-continuationtoken` until the end; returns every item and the number of pages. */
export async function followHeaderPages<T = Record<string, unknown>>(sim: AzureDevOpsSimulator, path: string, options: RequestOptions = {}, limit = 500): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await send(sim, `/${sim.org}${path}${token ? `${sep}continuationToken=${encodeURIComponent(token)}` : ''}`, options);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.text}`);
    const body = res.json<ListBody<T>>();
    items.push(...body.value);
    token = res.header('x-ms-continuationtoken');
    pages++;
    if (pages > limit) throw new Error('too many pages');
  } while (token);
  return { items, pages };
}

export const sortedIds = <T extends { id: string | number }>(items: T[]): (string | number)[] => items.map((i) => i.id).sort();
