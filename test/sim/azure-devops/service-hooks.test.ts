import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRepository, startAzureDevOpsSimulator, type AzureDevOpsSimulator } from '../../../sim/azure-devops/index';
import { cloudHost, get, send, type ListBody } from './helpers';

/** A webhook receiver on 127.0.0.1 that records what it gets and answers with a chosen status. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  status = 200;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/integration/webhook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let sim: AzureDevOpsSimulator;
const receiver = new Receiver();
const dev = () => cloudHost(sim);
const projectOf = () => {
  const p = sim.model.projectList().find((x) => x.state === 'wellFormed');
  if (!p) throw new Error('no project');
  return p;
};

async function subscribe(body: Record<string, unknown>, host = dev()) {
  return get(sim, '/_apis/hooks/subscriptions?api-version=7.1', { method: 'POST', host, body });
}

const webhook = (eventType: string, publisherId = 'tfs', extra: Record<string, unknown> = {}) => ({
  publisherId,
  eventType,
  consumerId: 'webHooks',
  consumerActionId: 'httpRequest',
  consumerInputs: { url: receiver.url, basicAuthUsername: 'port', basicAuthPassword: 's3cret', httpHeaders: 'X-Sim-Test:yes\nX-Second: two' },
  ...extra,
});

beforeAll(async () => {
  await receiver.start();
  sim = await startAzureDevOpsSimulator({ scale: 'small', seed: 8, webhooks: { disableAfterFailures: 3 } });
});
afterAll(async () => {
  await sim.close();
  await receiver.stop();
});
afterEach(async () => {
  await sim.hooks.flush();
  for (const sub of sim.hooks.all()) sim.hooks.delete(sub.id);
  receiver.received.length = 0;
  receiver.status = 200;
});

describe('subscriptions API', () => {
  it('creates a subscription and adds hostId and tfsSubscriptionId; masks the password', async () => {
    const project = projectOf();
    const res = await subscribe(webhook('git.push', 'tfs', { publisherInputs: { projectId: project.id }, id: null, status: null }));
    expect(res.status).toBe(200);
    const body = res.json<{ id: string; status: string; publisherInputs: Record<string, string>; consumerInputs: Record<string, string>; url: string }>();
    expect(body.status).toBe('enabled');
    expect(body.publisherInputs).toMatchObject({ projectId: project.id, hostId: sim.model.id });
    expect(body.publisherInputs.tfsSubscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.consumerInputs.basicAuthPassword).toBe('********');
    expect(body.url).toContain(`/_apis/hooks/subscriptions/${body.id}`);
  });

  it('lists with publisherId/eventType filters, gets, replaces and deletes (204)', async () => {
    const a = (await subscribe(webhook('git.push'))).json<{ id: string }>();
    await subscribe(webhook('workitem.created'));
    const filtered = (await get(sim, '/_apis/hooks/subscriptions?publisherId=tfs&eventType=git.push', { host: dev() })).json<ListBody<{ id: string }>>();
    expect(filtered.value.map((s) => s.id)).toEqual([a.id]);
    const replaced = await get(sim, `/_apis/hooks/subscriptions/${a.id}?api-version=7.1`, { method: 'PUT', host: dev(), body: { ...webhook('git.push'), consumerInputs: { url: `${receiver.url}?v=2`, basicAuthUsername: 'port', basicAuthPassword: '********' } } });
    expect(replaced.status).toBe(200);
    expect(sim.hooks.get(a.id)?.consumerInputs.basicAuthPassword).toBe('s3cret');
    expect(sim.hooks.get(a.id)?.consumerInputs.url).toContain('?v=2');
    const deleted = await get(sim, `/_apis/hooks/subscriptions/${a.id}?api-version=7.1`, { method: 'DELETE', host: dev() });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await get(sim, `/_apis/hooks/subscriptions/${a.id}`, { host: dev() })).status).toBe(404);
  });

  it('keeps release subscriptions on vsrm only', async () => {
    const onDev = await subscribe(webhook('ms.vss-release.release-created-event', 'rm'));
    expect(onDev.status).toBe(400);
    expect(onDev.json<{ message: string }>().message).toContain('vsrm.dev.azure.com');
    const onVsrm = await subscribe(webhook('ms.vss-release.release-created-event', 'rm'), cloudHost(sim, 'vsrm'));
    expect(onVsrm.status).toBe(200);
    // Listing on the wrong host finds nothing (Ocean's duplicate-subscription bug, PR #3997).
    expect((await get(sim, '/_apis/hooks/subscriptions?publisherId=rm', { host: dev() })).json<ListBody>().count).toBe(0);
    expect((await get(sim, '/_apis/hooks/subscriptions?publisherId=rm', { host: cloudHost(sim, 'vsrm') })).json<ListBody>().count).toBe(1);
    expect((await get(sim, '/_apis/hooks/subscriptions')).json<ListBody>().count).toBe(1); // Server: one store
  });

  it('keeps Advanced Security subscriptions on advsec', async () => {
    expect((await subscribe(webhook('ms.vss-alerts.alert-created-event', 'advsec'))).status).toBe(400);
    expect((await subscribe(webhook('ms.vss-alerts.alert-created-event', 'advsec'), cloudHost(sim, 'advsec'))).status).toBe(200);
  });

  it('rejects unknown event types, a missing url and unknown projects', async () => {
    expect((await subscribe(webhook('git.nothing'))).status).toBe(400);
    expect((await subscribe({ ...webhook('git.push'), consumerInputs: {} })).status).toBe(400);
    expect((await subscribe(webhook('git.push', 'tfs', { publisherInputs: { projectId: '00000000-0000-0000-0000-000000000000' } }))).status).toBe(404);
  });

  it('takes a combo input only with one of its listed values (resourceDetailsToSend: "", minimal, none)', async () => {
    const withDetails = (value: string) => ({ ...webhook('git.push'), consumerInputs: { ...webhook('git.push').consumerInputs, resourceDetailsToSend: value } });
    for (const value of ['', 'minimal', 'none']) expect((await subscribe(withDetails(value))).status, value).toBe(200);
    const refused = await subscribe(withDetails('all'));
    expect(refused.status).toBe(400);
    expect(refused.json<{ message: string }>().message).toContain("'resourceDetailsToSend' value 'all' is not one of the allowed values");
  });

  it('checks httpHeaders against the consumer descriptor\'s pattern, the one in the 7.1 spec, and never echoes the value', async () => {
    const spec = JSON.parse(readFileSync('/work/shared/reference/azure-devops-rest-specs/hooks/7.1/httpExamples/consumers/GET__hooks_consumers.json', 'utf8').replace(/^\uFEFF/, '')) as unknown;
    const specPattern = JSON.stringify(spec).match(/"id":"httpHeaders".*?"pattern":("(?:[^"\\]|\\.)*")/)?.[1];
    expect(specPattern).toBeDefined();
    type Descriptor = { id: string; validation: { pattern?: string } };
    const consumers = (await get(sim, '/_apis/hooks/consumers?api-version=7.1', { host: dev() })).json<{ value: { actions: { inputDescriptors: Descriptor[] }[] }[] }>();
    const served = consumers.value[0]?.actions[0]?.inputDescriptors.find((input) => input.id === 'httpHeaders');
    expect(served?.validation.pattern).toBe(JSON.parse(specPattern ?? '""'));

    const withHeaders = (httpHeaders: string) => ({ ...webhook('git.push'), consumerInputs: { ...webhook('git.push').consumerInputs, httpHeaders } });
    for (const accepted of ['X-A:1', 'X-A: 1\nX-B :2', 'X-A:1\r\nX-B:2']) expect((await subscribe(withHeaders(accepted))).status, accepted).toBe(200);
    for (const refused of ['Authorization: Bearer s3cr3t-token', 'X-A:', 'no colon', 'X-A:1\n\nX-B:two words']) {
      const answer = await subscribe(withHeaders(refused));
      expect(answer.status, refused).toBe(400);
      expect(answer.json<{ message: string }>().message).toContain("'httpHeaders' does not match the pattern");
      expect(answer.text).not.toContain('s3cr3t-token');
    }
  });

  it('queries by publisher input filters', async () => {
    const project = projectOf();
    const scoped = (await subscribe(webhook('git.push', 'tfs', { publisherInputs: { projectId: project.id } }))).json<{ id: string }>();
    await subscribe(webhook('git.push'));
    const res = await get(sim, '/_apis/hooks/subscriptionsquery?api-version=7.1', {
      method: 'POST',
      host: dev(),
      body: { publisherId: 'tfs', eventType: 'git.push', publisherInputFilters: [{ conditions: [{ inputId: 'projectId', operator: 'equals', inputValue: project.id }] }] },
    });
    expect(res.json<{ results: { id: string }[] }>().results.map((s) => s.id)).toEqual([scoped.id]);
  });
});

describe('delivery', () => {
  it('POSTs a work item event with basic auth and custom headers, in the documented envelope', async () => {
    const project = projectOf();
    const sub = (await subscribe(webhook('workitem.created', 'tfs', { publisherInputs: { projectId: project.id } }))).json<{ id: string }>();
    const item = sim.mutate.createWorkItem(project.id, { type: sim.model.workItemsOf(project.id)[0]?.type ?? 'Task', title: 'Hook me' });
    await sim.hooks.flush();
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received as [{ headers: IncomingHttpHeaders; body: Record<string, unknown> }];
    expect(headers.authorization).toBe(`Basic ${Buffer.from('port:s3cret').toString('base64')}`);
    expect(headers['x-sim-test']).toBe('yes');
    expect(headers['x-second']).toBe('two');
    expect(headers['content-type']).toMatch(/^application\/json/);
    const sample = JSON.parse(readFileSync('/work/shared/reference/azure-devops-webhook-samples/workitem.created.json', 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    for (const key of ['subscriptionId', 'notificationId', 'id', 'eventType', 'publisherId', 'message', 'detailedMessage', 'resource', 'resourceVersion', 'resourceContainers', 'createdDate']) {
      expect(body, key).toHaveProperty(key);
      expect(typeof body[key], key).toBe(typeof sample[key]);
    }
    expect(body).toMatchObject({ subscriptionId: sub.id, eventType: 'workitem.created', publisherId: 'tfs', resource: { id: item.id, fields: { 'System.Title': 'Hook me' } }, resourceContainers: { project: { id: project.id } } });
  });

  it('sends workitem.updated with old and new values', async () => {
    const project = projectOf();
    await subscribe(webhook('workitem.updated'));
    const item = sim.model.workItemsOf(project.id)[0];
    if (!item) throw new Error('no work item');
    sim.mutate.updateWorkItem(item.id, { title: 'Renamed item' });
    await sim.hooks.flush();
    const resource = receiver.received[0]?.body.resource as { workItemId: number; fields: Record<string, { oldValue?: unknown; newValue?: unknown }>; revision: { fields: Record<string, unknown> } };
    expect(resource.workItemId).toBe(item.id);
    expect(resource.fields['System.Title']).toEqual({ oldValue: item.title, newValue: 'Renamed item' });
    expect(resource.revision.fields['System.Title']).toBe('Renamed item');
  });

  it('filters by project and by publisher inputs (repository, branch)', async () => {
    const repos = [...sim.model.repositories.all()].filter(isActiveRepository);
    const [a, b] = repos;
    if (!a || !b) throw new Error('need two repositories');
    await subscribe(webhook('git.push', 'tfs', { publisherInputs: { projectId: a.projectId, repository: a.id, branch: (a.defaultBranch ?? '').replace('refs/heads/', '') } }));
    sim.mutate.push(a.id, { files: { '/x.txt': 'x' } });
    sim.mutate.push(a.id, { branch: 'feature/other', files: { '/y.txt': 'y' } });
    sim.mutate.push(b.id, { files: { '/z.txt': 'z' } });
    await sim.hooks.flush();
    expect(receiver.received).toHaveLength(1);
    const resource = receiver.received[0]?.body.resource as { repository: { id: string }; refUpdates: { name: string }[]; commits: unknown[] };
    expect(resource.repository.id).toBe(a.id);
    expect(resource.refUpdates[0]?.name).toBe(a.defaultBranch);
    expect(resource.commits).toHaveLength(1);
  });

  it('trims the resource with resourceDetailsToSend and messages with messagesToSend', async () => {
    await subscribe({ ...webhook('workitem.created'), consumerInputs: { url: receiver.url, resourceDetailsToSend: 'minimal', messagesToSend: 'text', detailedMessagesToSend: 'none' } });
    await subscribe({ ...webhook('workitem.created'), consumerInputs: { url: receiver.url, resourceDetailsToSend: 'none' } });
    sim.mutate.createWorkItem(projectOf().id, { type: sim.model.workItemsOf(projectOf().id)[0]?.type ?? 'Task', title: 'Trim me' });
    await sim.hooks.flush();
    const minimal = receiver.received.find((r) => r.body.resource !== undefined)?.body;
    const none = receiver.received.find((r) => r.body.resource === undefined)?.body;
    expect(Object.keys(minimal?.resource as object).sort()).toEqual(['id', 'rev', 'url']);
    expect(minimal?.message).toEqual({ text: expect.any(String) as string });
    expect(minimal?.detailedMessage).toBeUndefined();
    expect(none).toBeDefined();
  });

  it('delivers pull request, build, run-state and release events', async () => {
    await subscribe(webhook('git.pullrequest.created'));
    await subscribe(webhook('git.pullrequest.merged'));
    await subscribe(webhook('build.complete'));
    await subscribe(webhook('ms.vss-pipelines.run-state-changed-event', 'pipelines'));
    await subscribe(webhook('ms.vss-release.deployment-completed-event', 'rm'), cloudHost(sim, 'vsrm'));
    const repo = [...sim.model.repositories.all()].find(isActiveRepository);
    const pipeline = [...sim.model.pipelines.all()][0];
    const release = [...sim.model.releases.all()][0];
    if (!repo || !pipeline || !release) throw new Error('missing entities');
    const pr = sim.mutate.createPullRequest(repo.id, { title: 'Hooked PR', sourceRefName: 'refs/heads/hooked' });
    sim.mutate.updatePullRequest(pr.id, { status: 'completed' });
    const build = sim.mutate.queueRun(pipeline.id);
    sim.mutate.setRunState(build.id, { status: 'completed', result: 'succeeded' });
    sim.mutate.deployRelease(release.id, release.environments[0]?.id ?? 0, 'succeeded');
    await sim.hooks.flush();
    const types = receiver.received.map((r) => r.body.eventType);
    expect(types.filter((t) => t === 'ms.vss-pipelines.run-state-changed-event')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['git.pullrequest.created', 'git.pullrequest.merged', 'build.complete', 'ms.vss-release.deployment-completed-event']));
    const run = receiver.received.find((r) => r.body.eventType === 'ms.vss-pipelines.run-state-changed-event' && (r.body.resource as { run: { state: string } }).run.state === 'completed');
    expect(run?.body.resource).toMatchObject({ run: { id: build.id, result: 'succeeded' }, pipeline: { id: pipeline.id } });
    const deployment = receiver.received.find((r) => r.body.eventType === 'ms.vss-release.deployment-completed-event');
    expect((deployment?.body.resource as { release: { url: string } }).release.url).toMatch(/^http:\/\/vsrm\.dev\.azure\.com:/);
  });

  it('puts a failing subscription on probation, then disables it; recovers when enabled again', async () => {
    const sub = (await subscribe(webhook('workitem.commented'))).json<{ id: string }>();
    receiver.status = 500;
    const item = sim.model.workItemsOf(projectOf().id)[0];
    if (!item) throw new Error('no work item');
    sim.mutate.commentOnWorkItem(item.id, 'first');
    await sim.hooks.flush();
    expect((await get(sim, `/_apis/hooks/subscriptions/${sub.id}`, { host: dev() })).json<{ status: string; probationRetries: number }>()).toMatchObject({ status: 'onProbation', probationRetries: 1 });
    sim.mutate.commentOnWorkItem(item.id, 'second');
    await sim.hooks.flush();
    sim.mutate.commentOnWorkItem(item.id, 'third');
    await sim.hooks.flush();
    expect(sim.hooks.get(sub.id)?.status).toBe('disabledBySystem');
    const before = receiver.received.length;
    sim.mutate.commentOnWorkItem(item.id, 'not delivered');
    await sim.hooks.flush();
    expect(receiver.received.length).toBe(before);
    const history = (await get(sim, `/_apis/hooks/subscriptions/${sub.id}/notifications`, { host: dev() })).json<ListBody<{ result: string }>>();
    expect(history.value.map((n) => n.result)).toEqual(['failed', 'failed', 'failed']);
    receiver.status = 200;
    const reenabled = await get(sim, `/_apis/hooks/subscriptions/${sub.id}?api-version=7.1`, { method: 'PUT', host: dev(), body: { ...webhook('workitem.commented'), status: 'enabled' } });
    expect(reenabled.json<{ status: string }>().status).toBe('enabled');
    sim.mutate.commentOnWorkItem(item.id, 'delivered again');
    await sim.hooks.flush();
    expect(receiver.received.length).toBe(before + 1);
  });

  it('lets a test set a status through the control API', async () => {
    const sub = (await subscribe(webhook('workitem.deleted'))).json<{ id: string }>();
    const res = await send(sim, `/_sim/hooks/subscriptions/${sub.id}/status`, { method: 'PUT', body: { status: 'disabledByUser' }, pat: null });
    expect(res.status).toBe(200);
    expect((await get(sim, `/_apis/hooks/subscriptions/${sub.id}`, { host: dev() })).json<{ status: string }>().status).toBe('disabledByUser');
    const item = sim.model.workItemsOf(projectOf().id)[1];
    if (!item) throw new Error('no work item');
    sim.mutate.deleteWorkItem(item.id);
    await sim.hooks.flush();
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses loopback targets in strict mode', async () => {
    const strict = await startAzureDevOpsSimulator({ scale: 'tiny', webhooks: { strict: true } });
    try {
      const res = await get(strict, '/_apis/hooks/subscriptions?api-version=7.1', { method: 'POST', host: cloudHost(strict), body: webhook('git.push') });
      expect(res.status).toBe(400);
      expect(res.json<{ message: string }>().message).toContain('loopback');
    } finally {
      await strict.close();
    }
  });
});
