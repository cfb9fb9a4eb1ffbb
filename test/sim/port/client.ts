import { startPortSimulator, type PortSimulator, type PortSimulatorOptions } from '../../../sim/port/index';

export const OCEAN_UA = 'port-ocean/azure-devops/0.12.2/my-azure-devops-integration/exporter';

export type ApiResponse = { status: number; body: Record<string, unknown>; headers: Headers; text: string };

export type CallOptions = {
  token?: string | null;
  userAgent?: string;
  query?: Record<string, string | string[] | boolean>;
  rawBody?: string;
};

/** A plain-fetch client for contract tests: every call goes through a real socket. */
export class TestClient {
  token: string | null = null;

  constructor(readonly sim: PortSimulator) {}

  async login(clientId = 'client', clientSecret = 'secret'): Promise<string> {
    const res = await this.call('POST', '/v1/auth/access_token', { clientId, clientSecret }, { token: null });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    this.token = res.body['accessToken'] as string;
    return this.token;
  }

  async call(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<ApiResponse> {
    const url = new URL(path, this.sim.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    const headers: Record<string, string> = { 'user-agent': options.userAgent ?? OCEAN_UA };
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let payload: string | undefined = options.rawBody;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  get(path: string, options?: CallOptions) {
    return this.call('GET', path, undefined, options);
  }
  post(path: string, body?: unknown, options?: CallOptions) {
    return this.call('POST', path, body, options);
  }
  patch(path: string, body?: unknown, options?: CallOptions) {
    return this.call('PATCH', path, body, options);
  }
  put(path: string, body?: unknown, options?: CallOptions) {
    return this.call('PUT', path, body, options);
  }
  delete(path: string, options?: CallOptions) {
    return this.call('DELETE', path, undefined, options);
  }
}

export async function startWithClient(options: PortSimulatorOptions = {}): Promise<{ sim: PortSimulator; client: TestClient }> {
  const sim = await startPortSimulator(options);
  const client = new TestClient(sim);
  await client.login();
  return { sim, client };
}

/** A small catalog: project ← repository (single relation, required url), team members many. */
export const projectBlueprint = {
  identifier: 'project',
  title: 'Project',
  schema: {
    properties: {
      url: { type: 'string', format: 'url' },
      state: { type: 'string', enum: ['wellFormed', 'deleting'] },
      revision: { type: 'number' },
    },
    required: [],
  },
};

export const repositoryBlueprint = {
  identifier: 'repository',
  title: 'Repository',
  schema: {
    properties: {
      url: { type: 'string', format: 'url' },
      lastPush: { type: 'string', format: 'date-time' },
      owner: { type: 'string', format: 'email' },
      size: { type: 'number' },
      isDisabled: { type: 'boolean' },
      topics: { type: 'array', items: { type: 'string' } },
      meta: { type: 'object' },
      description: { type: 'string' },
    },
    required: ['url'],
  },
  relations: {
    project: { target: 'project', required: false, many: false },
    dependsOn: { target: 'project', required: false, many: true },
  },
};
