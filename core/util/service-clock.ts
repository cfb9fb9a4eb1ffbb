/** Below this, agent and service agree within the `Date` header's one-second resolution and the request's time in flight. */
const AGREEMENT_MS = 2_000;

/**
 * The run's start on a service's clock (Azure DevOps' for change filters, Port's for `updatedAt`).
 * `serviceDate` is the `Date` header of an answer that arrived at `agentNow`; when the two clocks
 * agree within the header's resolution the agent's own (millisecond) time is kept, the overlap
 * window covering the rest; otherwise the start is moved by the difference, so an agent whose
 * clock runs fast does not set cursors past changes it never listed.
 */
export function onServiceClock(start: Date, serviceDate: Date | undefined, agentNow: Date): Date {
  if (serviceDate === undefined) return start;
  const skew = serviceDate.getTime() - agentNow.getTime();
  return Math.abs(skew) <= AGREEMENT_MS ? start : new Date(start.getTime() + skew);
}
