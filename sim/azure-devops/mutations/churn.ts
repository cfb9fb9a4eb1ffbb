import type { OrganizationModel } from '../model/organization';
import type { Mutations } from './mutations';

/**
 * A day's worth of activity in one call, for the incremental benchmark: a given fraction of the
 * work items edited (a new revision, `System.ChangedDate` now), of the active pull requests
 * retitled, and as many new pipeline runs queued as that fraction of the builds. Which items
 * change is fixed by `seed`: every `stride`-th record from an offset the seed picks, so two calls
 * with the same seed on the same organization change the same records.
 */
export type ChurnResult = { fraction: number; seed: number; stride: number; changed: { workItems: number; pullRequests: number; newBuilds: number } };

export function churn(model: OrganizationModel, mutate: Mutations, fraction: number, seed: number): ChurnResult {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`fraction must be in (0, 1], got ${fraction}.`);
  const stride = Math.max(1, Math.round(1 / fraction));
  const offset = seed % stride;
  const picked = <R>(records: Iterable<R>): R[] => {
    const out: R[] = [];
    let i = 0;
    for (const record of records) if (i++ % stride === offset) out.push(record);
    return out;
  };
  const workItems = picked(model.workItems.all());
  for (const item of workItems) mutate.updateWorkItem(item.id, { title: `${item.title} (edited ${seed})` });
  const pullRequests = picked([...model.pullRequests.all()].filter((pr) => pr.status === 'active'));
  for (const pr of pullRequests) mutate.updatePullRequest(pr.id, { title: `${pr.title} (edited ${seed})` });
  const pipelines = [...model.pipelines.all()];
  const newBuilds = pipelines.length === 0 ? 0 : Math.round(model.builds.count() * fraction);
  for (let i = 0; i < newBuilds; i++) {
    const pipeline = pipelines[(offset + i * stride) % pipelines.length];
    if (pipeline) mutate.queueRun(pipeline.id);
  }
  return { fraction, seed, stride, changed: { workItems: workItems.length, pullRequests: pullRequests.length, newBuilds } };
}
