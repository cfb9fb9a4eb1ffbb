import type { AlertRecord, RepositoryRecord } from '../model/records';
import { AdoError, errors } from '../wire/errors';
import type { JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { continuationPage, invalidToken, pageSize, startAt } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route, View } from './context';
import { date, identityRef } from './present';
import { route } from './route';
import { requireProject, requireRepository } from './scope';

/**
 * Advanced Security alerts (advancedSecurity/7.2 alert.json), served only by
 * `advsec.dev.azure.com` at `7.2-preview.1`; Azure DevOps Server has none.
 */

const TOOL_VERSIONS: Record<string, string> = { CodeQL: '2.17.0', 'AdvancedSecurity-Dependency-Scanning': '1.1.0', 'AdvancedSecurity-Secret-Scanning': '1.0.0' };

export function alertJson(ctx: View, alert: AlertRecord): JsonObject {
  const repo = ctx.org.repositories.get(alert.repositoryId);
  const project = ctx.org.projects.get(alert.projectId);
  const repoUrl = `${ctx.urls.core}/${encodeURIComponent(project?.name ?? alert.projectId)}/_git/${encodeURIComponent(repo?.name ?? alert.repositoryId)}`;
  return {
    alertId: alert.alertId,
    severity: alert.severity,
    title: alert.title,
    tools: [{ name: alert.toolName, toolVersion: TOOL_VERSIONS[alert.toolName], rules: [{ opaqueId: alert.ruleId, friendlyName: alert.ruleName, description: alert.title, resources: alert.alertType === 'dependency' ? `https://github.com/advisories/${alert.ruleId}` : undefined, tags: [alert.alertType], helpMessage: `Fix ${alert.ruleName}.` }] }],
    repositoryUrl: repoUrl,
    gitRef: alert.gitRef,
    alertType: alert.alertType,
    firstSeenDate: date(alert.firstSeenDate),
    lastSeenDate: date(alert.lastSeenDate),
    fixedDate: date(alert.fixedDate),
    introducedDate: date(alert.introducedDate),
    state: alert.state,
    confidence: alert.confidence,
    dismissal: alert.dismissalType ? { dismissalId: alert.alertId * 3, dismissalType: alert.dismissalType, message: alert.dismissalType === 'fixed' ? 'Fixed in a later commit.' : 'Reviewed by the security champion.', stateChangedBy: ctx.org.owner()?.id, stateChangedByIdentity: identityRef(ctx.org.owner(), ctx.urls) } : undefined,
    physicalLocations: [{ filePath: alert.filePath, region: { lineStart: alert.line, lineEnd: alert.line, columnStart: 1, columnEnd: 40 }, versionControl: { commitHash: repo ? (ctx.org.branches.get(`${repo.id}|${repo.defaultBranch ?? ''}`)?.objectId ?? '') : '', itemUrl: `${repoUrl}?path=${encodeURIComponent(alert.filePath)}` } }],
    logicalLocations: alert.alertType === 'dependency' ? [{ fullyQualifiedName: `npm:${alert.title.split(':')[0] ?? ''}`, kind: 'vulnerableDependency' }] : [],
    repositoryId: alert.repositoryId,
    projectId: alert.projectId,
    truncatedSecret: alert.alertType === 'secret' ? 'DefaultEndpointsProtocol=https;AccountKey=ab***' : undefined,
  };
}

function notEnabled(repo: RepositoryRecord): AdoError {
  return new AdoError(400, `Advanced Security is not enabled for repository '${repo.name}'. Enable it in the repository settings to see alerts.`, 'AdvancedSecurityNotEnabledException');
}

const SEVERITY_RANK: Record<AlertRecord['severity'], number> = { critical: 0, high: 1, error: 1, medium: 2, warning: 2, low: 3, note: 4 };

/** Alerts of a repository: `criteria.*` filters, `top`, `orderBy`, header continuation token. */
function listAlerts(ctx: RequestContext) {
  requireProject(ctx);
  const repo = requireRepository(ctx, ctx.params.repository ?? '');
  if (!repo.advancedSecurityEnabled) throw notEnabled(repo);
  const q = ctx.query;
  const states = q.list('criteria.states').map((s) => s.toLowerCase());
  const severities = q.list('criteria.severities').map((s) => s.toLowerCase());
  const type = q.get('criteria.alertType')?.toLowerCase();
  const ids = q.list('criteria.alertIds').map(Number);
  const modifiedSince = q.date('criteria.modifiedSince');
  const fromDate = q.date('criteria.fromDate');
  const toDate = q.date('criteria.toDate');
  const ruleId = q.get('criteria.ruleId');
  const ruleName = q.get('criteria.ruleName')?.toLowerCase();
  const toolName = q.get('criteria.toolName')?.toLowerCase();
  const keywords = q.get('criteria.keywords')?.toLowerCase();
  const ref = q.get('criteria.ref');
  const confidence = q.list('criteria.confidenceLevels').map((c) => c.toLowerCase());
  const alerts = ctx.org.alertsOf(repo.id).filter((a) => {
    if (states.length > 0 && !states.includes(a.state.toLowerCase())) return false;
    if (severities.length > 0 && !severities.includes(a.severity)) return false;
    if (type && type !== 'unknown' && a.alertType !== type) return false;
    if (ids.length > 0 && !ids.includes(a.alertId)) return false;
    if (modifiedSince !== undefined && a.modifiedDate < modifiedSince) return false;
    if (fromDate !== undefined && a.lastSeenDate < fromDate) return false;
    if (toDate !== undefined && a.lastSeenDate > toDate) return false;
    if (ruleId && a.ruleId !== ruleId) return false;
    if (ruleName && a.ruleName.toLowerCase() !== ruleName) return false;
    if (toolName && a.toolName.toLowerCase() !== toolName) return false;
    if (keywords && !a.title.toLowerCase().includes(keywords)) return false;
    if (ref && a.gitRef !== ref) return false;
    if (confidence.length > 0 && !confidence.includes(a.confidence)) return false;
    return true;
  });
  const orderBy = (q.get('orderBy') ?? 'id').toLowerCase();
  const comparators: Record<string, (a: AlertRecord, b: AlertRecord) => number> = {
    id: (a, b) => a.alertId - b.alertId,
    firstseen: (a, b) => b.firstSeenDate - a.firstSeenDate || a.alertId - b.alertId,
    lastseen: (a, b) => b.lastSeenDate - a.lastSeenDate || a.alertId - b.alertId,
    fixedon: (a, b) => (b.fixedDate ?? 0) - (a.fixedDate ?? 0) || a.alertId - b.alertId,
    severity: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.alertId - b.alertId,
  };
  const compare = comparators[orderBy];
  if (!compare) throw errors.badRequest(`orderBy must be "id", "firstSeen", "lastSeen", "fixedOn" or "severity".`, 'InvalidArgumentValueException');
  alerts.sort(compare);
  const token = q.get('continuationToken');
  if (token !== undefined && token !== '' && !/^\d+$/.test(token)) throw invalidToken(token);
  const start = token ? startAt(alerts, token, (a) => String(a.alertId)) : 0;
  const { page, next } = continuationPage(alerts, start, pageSize(q, 'top', PAGE_LIMITS.alerts), (a) => String(a.alertId));
  return list(
    page.map((a) => alertJson(ctx, a)),
    next,
  );
}

function getAlert(ctx: RequestContext) {
  requireProject(ctx);
  const repo = requireRepository(ctx, ctx.params.repository ?? '');
  if (!repo.advancedSecurityEnabled) throw notEnabled(repo);
  const alert = ctx.org.alerts.get(Number(ctx.params.alertId));
  if (!alert || alert.repositoryId !== repo.id) throw errors.notFoundGeneric(`Alert ${ctx.params.alertId ?? ''} was not found in repository ${repo.name}.`);
  return ok(alertJson(ctx, alert));
}

const ADVSEC = { hosts: ['advsec'] as const, server: false };

export const advsecRoutes: Route[] = [
  route('advsec.alerts.list', 'GET', 'alert/repositories/{repository}/alerts', 'project', '7.2-preview.1', listAlerts, ADVSEC),
  route('advsec.alerts.get', 'GET', 'alert/repositories/{repository}/alerts/{alertId}', 'project', '7.2-preview.1', getAlert, ADVSEC),
];
