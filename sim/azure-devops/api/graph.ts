import type { GroupRecord, UserRecord } from '../model/records';
import { errors } from '../wire/errors';
import { isJsonObject, type JsonObject } from '../wire/json';
import { PAGE_LIMITS } from '../wire/page-limits';
import { parseVersion, requestedVersionText } from '../wire/api-version';
import { base64Token, continuationPage, invalidToken, topSkip } from '../wire/paging';
import { list, ok } from '../wire/response';
import type { RequestContext, Route } from './context';
import { date } from './present';
import { route } from './route';
import { canSee } from './scope';

/**
 * Graph (vssps.dev.azure.com): users, groups, memberships, subject lookup, and the legacy
 * identities API; user entitlements (vsaex.dev.azure.com). Azure DevOps Server has none of the
 * graph or entitlement routes; it serves identities from the collection.
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function graphLinks(ctx: RequestContext, kind: 'Users' | 'Groups', descriptor: string): JsonObject {
  const base = `${ctx.urls.graph}/_apis/Graph`;
  return {
    self: { href: `${base}/${kind}/${descriptor}` },
    memberships: { href: `${base}/Memberships/${descriptor}` },
    membershipState: { href: `${base}/MembershipStates/${descriptor}` },
    storageKey: { href: `${base}/StorageKeys/${descriptor}` },
    avatar: { href: `${ctx.urls.core}/_apis/GraphProfile/MemberAvatars/${descriptor}` },
  };
}

export function graphUserJson(ctx: RequestContext, user: UserRecord): JsonObject {
  return {
    subjectKind: 'user',
    metaType: 'member',
    directoryAlias: user.origin === 'aad' ? user.directoryAlias : undefined,
    domain: user.origin === 'aad' ? TENANT : 'Windows Live ID',
    principalName: user.principalName,
    mailAddress: user.mailAddress,
    origin: user.origin,
    originId: user.originId,
    displayName: user.displayName,
    _links: graphLinks(ctx, 'Users', user.descriptor),
    url: `${ctx.urls.graph}/_apis/Graph/Users/${user.descriptor}`,
    descriptor: user.descriptor,
  };
}

export function graphGroupJson(ctx: RequestContext, group: GroupRecord): JsonObject {
  return {
    subjectKind: 'group',
    description: group.description,
    domain: group.projectId ? `vstfs:///Classification/TeamProject/${group.projectId}` : `vstfs:///Framework/IdentityDomain/${ctx.org.id}`,
    principalName: group.principalName,
    mailAddress: null,
    origin: 'vsts',
    originId: group.id,
    displayName: group.displayName,
    _links: graphLinks(ctx, 'Groups', group.descriptor),
    url: `${ctx.urls.graph}/_apis/Graph/Groups/${group.descriptor}`,
    descriptor: group.descriptor,
    isCrossProject: false,
  };
}

function visibleGroup(ctx: RequestContext, group: GroupRecord): boolean {
  return group.projectId === null ? ctx.identity.projectIds === undefined : canSee(ctx, group.projectId);
}

/** Graph pages are chosen by the service (no `$top`); the opaque token is the next item's index. */
function graphPage<T>(ctx: RequestContext, items: T[], render: (item: T) => JsonObject) {
  const token = ctx.query.get('continuationToken');
  let start = 0;
  if (token) {
    const decoded = base64Token.decode(token);
    if (!/^graph:\d+$/.test(decoded)) throw invalidToken(token);
    start = Number(decoded.slice('graph:'.length));
  }
  const { page, next } = continuationPage(items, start, PAGE_LIMITS.graph.maxTop, (_item, index) => base64Token.encode(`graph:${index}`));
  const response = list(page.map(render));
  // The spec declares this header as `X-MS-ContinuationToken` (graph users/groups).
  return next === undefined ? response : { ...response, headers: { 'X-MS-ContinuationToken': next } };
}

function listUsers(ctx: RequestContext) {
  const types = ctx.query.list('subjectTypes').map((t) => t.toLowerCase());
  const users = [...ctx.org.users.all()].filter((u) => types.length === 0 || types.includes(u.origin));
  return graphPage(ctx, users, (u) => graphUserJson(ctx, u));
}

function getUser(ctx: RequestContext) {
  const user = ctx.org.userByDescriptor(ctx.params.userDescriptor ?? '');
  if (!user) throw errors.notFoundGeneric(`VS860015: A user with descriptor ${ctx.params.userDescriptor ?? ''} could not be found.`);
  return ok(graphUserJson(ctx, user));
}

function projectScope(ctx: RequestContext): string | undefined {
  const scope = ctx.query.get('scopeDescriptor');
  if (!scope) return undefined;
  if (!scope.startsWith('scp.')) throw errors.badRequest(`The scope descriptor '${scope}' is not valid.`, 'InvalidSubjectTypeException');
  return Buffer.from(scope.slice(4), 'base64').toString('utf8');
}

function listGroups(ctx: RequestContext) {
  const projectId = projectScope(ctx);
  const groups = [...ctx.org.groups.all()].filter((g) => visibleGroup(ctx, g) && (projectId === undefined || g.projectId === projectId));
  return graphPage(ctx, groups, (g) => graphGroupJson(ctx, g));
}

function getGroup(ctx: RequestContext) {
  const group = ctx.org.group(ctx.params.groupDescriptor ?? '');
  if (!group || !visibleGroup(ctx, group)) throw errors.notFoundGeneric(`VS860018: A group with descriptor ${ctx.params.groupDescriptor ?? ''} could not be found.`);
  return ok(graphGroupJson(ctx, group));
}

function subjectExists(ctx: RequestContext, descriptor: string): boolean {
  return ctx.org.userByDescriptor(descriptor) !== undefined || ctx.org.group(descriptor) !== undefined;
}

function membershipJson(ctx: RequestContext, member: string, container: string): JsonObject {
  const base = `${ctx.urls.graph}/_apis/Graph`;
  return {
    _links: { self: { href: `${base}/Memberships/${member}/${container}` }, member: { href: `${base}/Users/${member}` }, container: { href: `${base}/Groups/${container}` } },
    containerDescriptor: container,
    memberDescriptor: member,
  };
}

/** Direct memberships only (`depth` 1 is the only supported value), `direction` up (default) or down. */
function listMemberships(ctx: RequestContext) {
  const descriptor = ctx.params.subjectDescriptor ?? '';
  if (!subjectExists(ctx, descriptor)) throw errors.notFoundGeneric(`VS860015: The subject ${descriptor} could not be found.`);
  const direction = (ctx.query.get('direction') ?? 'up').toLowerCase();
  if (direction === 'down') {
    const group = ctx.org.group(descriptor);
    return list((group?.memberDescriptors ?? []).map((m) => membershipJson(ctx, m, descriptor)));
  }
  const containers = [...ctx.org.groups.all()].filter((g) => g.memberDescriptors.includes(descriptor));
  return list(containers.map((g) => membershipJson(ctx, descriptor, g.descriptor)));
}

/** `{lookupKeys: [{descriptor}]}` → `{count, value: {descriptor: subject}}` (a wrapped dictionary). */
function subjectLookup(ctx: RequestContext) {
  const body = ctx.body;
  if (!isJsonObject(body) || !Array.isArray(body.lookupKeys)) throw errors.badRequest('The request body must be {"lookupKeys": [{"descriptor": "…"}]}.', 'ArgumentNullException');
  if (body.lookupKeys.length > PAGE_LIMITS.subjectLookup.maxTop) throw errors.badRequest(`VS860021: The subject lookup accepts at most ${PAGE_LIMITS.subjectLookup.maxTop} descriptors.`, 'ArgumentOutOfRangeException');
  const value: JsonObject = {};
  for (const key of body.lookupKeys) {
    const descriptor = isJsonObject(key) && typeof key.descriptor === 'string' ? key.descriptor : undefined;
    if (!descriptor) continue;
    const user = ctx.org.userByDescriptor(descriptor);
    const group = user ? undefined : ctx.org.group(descriptor);
    if (user) value[descriptor] = graphUserJson(ctx, user);
    else if (group && visibleGroup(ctx, group)) value[descriptor] = graphGroupJson(ctx, group);
  }
  return ok({ count: Object.keys(value).length, value });
}

// ---- user entitlements (vsaex) ------------------------------------------------------------------------

function entitlementJson(ctx: RequestContext, user: UserRecord, select: string[]): JsonObject {
  const all = select.length === 0 || select.includes('all');
  const memberOf = [...ctx.org.groups.all()].filter((g) => g.memberDescriptors.includes(user.descriptor) || g.memberDescriptors.some((d) => ctx.org.group(d)?.memberDescriptors.includes(user.descriptor)));
  const projects = [...new Set(memberOf.map((g) => g.projectId).filter((p): p is string => p !== null))].map((id) => ctx.org.projects.get(id)).filter((p) => p !== undefined);
  return {
    accessLevel: { ...user.accessLevel, assignmentSource: 'unknown', statusMessage: '' },
    lastAccessedDate: date(user.lastAccessedDate) ?? '0001-01-01T00:00:00Z',
    dateCreated: date(user.createdDate),
    projectEntitlements:
      all || select.includes('projects')
        ? projects.map((p) => ({ assignmentSource: 'unknown', group: { groupType: 'projectContributor', displayName: 'Contributors' }, projectPermissionInherited: 'notSet', projectRef: { id: p.id, name: p.name }, teamRefs: ctx.org.teamsOf(p.id).filter((t) => t.memberIds.includes(user.id)).map((t) => ({ id: t.id, name: t.name })) }))
        : undefined,
    extensions: all || select.includes('extensions') ? [] : undefined,
    groupAssignments: all || select.includes('grouprules') ? [] : undefined,
    id: user.id,
    user: graphUserJson(ctx, user),
  };
}

/** `$filter` equality clauses joined by `and`: name, licenseId, licenseStatus, userType. */
function entitlementFilter(text: string | undefined): (user: UserRecord) => boolean {
  if (!text) return () => true;
  const clauses = text.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*(\w+)\s+eq\s+'(.*)'\s*$/i.exec(clause);
    if (!match) throw errors.badRequest(`The filter clause '${clause}' is not valid. Use "<property> eq '<value>'".`, 'InvalidFilterException');
    return [match[1]?.toLowerCase() ?? '', (match[2] ?? '').toLowerCase()] as const;
  });
  const licenseIds: Record<string, string> = { express: 'account-express', stakeholder: 'account-stakeholder', advanced: 'account-advanced', none: 'msdn-eligible' };
  return (user) =>
    clauses.every(([field, value]) => {
      switch (field) {
        case 'name':
          return user.displayName.toLowerCase().includes(value) || user.principalName.toLowerCase().includes(value);
        case 'licenseid':
          return licenseIds[user.accessLevel.accountLicenseType] === value;
        case 'licensestatus':
          return user.accessLevel.status === value;
        case 'usertype':
          return value === 'member';
        default:
          throw errors.badRequest(`The filter property '${field}' is not supported. Valid filters: licenseId, licenseStatus, userType, name.`, 'InvalidFilterException');
      }
    });
}

/** api-version below 7.0 (query or Accept header): the legacy top/skip list. */
function legacyEntitlementsVersion(ctx: RequestContext): boolean {
  const text = requestedVersionText(ctx.query.get('api-version'), typeof ctx.headers.accept === 'string' ? ctx.headers.accept : undefined);
  const major = text === undefined ? undefined : parseVersion(text)?.major;
  return major !== undefined && major < 7;
}

/**
 * User entitlements: the continuation token is in the body (`{items, continuationToken,
 * totalCount}`, azure-devops-api.md §1.4 item 3); pages of 100.
 */
function listEntitlements(ctx: RequestContext) {
  const select = ctx.query.list('select').map((s) => s.toLowerCase());
  const filter = entitlementFilter(ctx.query.get('$filter'));
  const order = (ctx.query.get('$orderBy') ?? '').toLowerCase().trim();
  const users = [...ctx.org.users.all()].filter(filter);
  if (order.startsWith('name')) users.sort((a, b) => a.displayName.localeCompare(b.displayName) * (order.endsWith('desc') ? -1 : 1));
  else if (order.startsWith('lastaccessed')) users.sort((a, b) => ((a.lastAccessedDate ?? 0) - (b.lastAccessedDate ?? 0)) * (order.endsWith('desc') ? -1 : 1));
  else if (order.startsWith('datecreated')) users.sort((a, b) => (a.createdDate - b.createdDate) * (order.endsWith('desc') ? -1 : 1));
  if (legacyEntitlementsVersion(ctx)) {
    // Before 7.0 the list was `GET userentitlements?top=&skip=` answering `{count, value}`
    // (the search form with a body token arrived with 7.0); scripts written for 4.1–6.0 read `.value`.
    return list(topSkip(users, ctx.query, PAGE_LIMITS.userEntitlementsLegacy, { top: 'top', skip: 'skip' }).map((u) => entitlementJson(ctx, u, select)));
  }
  const token = ctx.query.get('continuationToken');
  let start = 0;
  if (token) {
    const decoded = base64Token.decode(token);
    if (!/^ent:\d+$/.test(decoded)) throw invalidToken(token);
    start = Number(decoded.slice(4));
  }
  const { page, next } = continuationPage(users, start, PAGE_LIMITS.userEntitlements.maxTop, (_u, index) => base64Token.encode(`ent:${index}`));
  return ok({ items: page.map((u) => entitlementJson(ctx, u, select)), continuationToken: next ?? null, totalCount: users.length });
}

function getEntitlement(ctx: RequestContext) {
  const user = ctx.org.user(ctx.params.userId ?? '');
  if (!user) throw errors.notFoundGeneric(`VS403283: Could not find user with id ${ctx.params.userId ?? ''}.`);
  return ok(entitlementJson(ctx, user, ['all']));
}

// ---- identities (legacy) -------------------------------------------------------------------------------

function identityJson(ctx: RequestContext, subject: UserRecord | GroupRecord, membership: string): JsonObject {
  const isGroup = 'memberDescriptors' in subject;
  // IdentityDescriptor has a JSON converter: on the wire it is the string "type;identifier"
  // (every identities example shows it so), although the spec declares an object.
  const descriptor = isGroup ? `Microsoft.TeamFoundation.Identity;S-1-9-1551374245-${subject.id}` : `Microsoft.IdentityModel.Claims.ClaimsIdentity;${TENANT}\\${subject.principalName}`;
  const memberOf = membership === 'none' ? [] : [...ctx.org.groups.all()].filter((g) => g.memberDescriptors.includes(subject.descriptor)).map((g) => `Microsoft.TeamFoundation.Identity;S-1-9-1551374245-${g.id}`);
  return {
    id: subject.id,
    descriptor,
    subjectDescriptor: subject.descriptor,
    providerDisplayName: isGroup ? subject.principalName : subject.displayName,
    isActive: true,
    isContainer: isGroup,
    members: isGroup && membership !== 'none' ? subject.memberDescriptors.map((d) => legacyDescriptor(ctx, d)) : [],
    memberOf,
    memberIds: [],
    properties: isGroup
      ? { SchemaClassName: { $type: 'System.String', $value: 'Group' }, Description: { $type: 'System.String', $value: subject.description }, Account: { $type: 'System.String', $value: subject.displayName } }
      : { SchemaClassName: { $type: 'System.String', $value: 'User' }, Account: { $type: 'System.String', $value: subject.principalName }, Mail: { $type: 'System.String', $value: subject.mailAddress } },
    resourceVersion: 2,
    metaTypeId: isGroup ? 255 : 0,
  };
}

function legacyDescriptor(ctx: RequestContext, subjectDescriptor: string): string {
  const user = ctx.org.userByDescriptor(subjectDescriptor);
  if (user) return `Microsoft.IdentityModel.Claims.ClaimsIdentity;${TENANT}\\${user.principalName}`;
  const group = ctx.org.group(subjectDescriptor);
  return `Microsoft.TeamFoundation.Identity;S-1-9-1551374245-${group?.id ?? subjectDescriptor}`;
}

/** Identities by `searchFilter`+`filterValue`, `identityIds`, `descriptors` or `subjectDescriptors`. */
function readIdentities(ctx: RequestContext) {
  const q = ctx.query;
  const membership = (q.get('queryMembership') ?? 'none').toLowerCase();
  const subjects: (UserRecord | GroupRecord)[] = [...ctx.org.users.all(), ...[...ctx.org.groups.all()].filter((g) => visibleGroup(ctx, g))];
  let found: (UserRecord | GroupRecord)[];
  if (q.has('identityIds')) {
    const ids = q.list('identityIds').map((i) => i.toLowerCase());
    found = subjects.filter((s) => ids.includes(s.id));
  } else if (q.has('subjectDescriptors')) {
    const wanted = q.list('subjectDescriptors');
    found = subjects.filter((s) => wanted.includes(s.descriptor));
  } else if (q.has('descriptors')) {
    const wanted = q.list('descriptors').map((d) => d.split(';').pop()?.toLowerCase() ?? '');
    found = subjects.filter((s) => wanted.includes('memberDescriptors' in s ? `s-1-9-1551374245-${s.id}` : `${TENANT}\\${s.principalName}`.toLowerCase()));
  } else if (q.has('searchFilter')) {
    const filter = (q.get('searchFilter') ?? '').toLowerCase();
    const value = (q.get('filterValue') ?? '').toLowerCase();
    if (!value) throw errors.badRequest('filterValue is required with searchFilter.', 'ArgumentNullException');
    found = subjects.filter((s) => {
      const account = 'memberDescriptors' in s ? s.principalName.toLowerCase() : s.principalName.toLowerCase();
      const display = s.displayName.toLowerCase();
      const mail = 'mailAddress' in s ? s.mailAddress.toLowerCase() : '';
      switch (filter) {
        case 'accountname':
          return account === value || account.endsWith(`\\${value}`);
        case 'displayname':
          return display === value;
        case 'mailaddress':
          return mail === value;
        case 'general':
          return account === value || display === value || mail === value;
        default:
          throw errors.badRequest(`searchFilter must be AccountName, DisplayName, MailAddress or General, got '${q.get('searchFilter') ?? ''}'.`, 'ArgumentException');
      }
    });
  } else {
    throw errors.badRequest('Provide descriptors, identityIds, subjectDescriptors, or searchFilter and filterValue.', 'ArgumentException');
  }
  return list(found.map((s) => identityJson(ctx, s, membership)));
}

const GRAPH = { hosts: ['graph'] as const, server: false };
const ENTITLEMENTS = { hosts: ['entitlements'] as const, server: false };

export const graphRoutes: Route[] = [
  route('graph.users.list', 'GET', 'graph/users', 'org', '7.1-preview.1', listUsers, GRAPH),
  route('graph.users.get', 'GET', 'graph/users/{userDescriptor}', 'org', '7.1-preview.1', getUser, GRAPH),
  route('graph.groups.list', 'GET', 'graph/groups', 'org', '7.1-preview.1', listGroups, GRAPH),
  route('graph.groups.get', 'GET', 'graph/groups/{groupDescriptor}', 'org', '7.1-preview.1', getGroup, GRAPH),
  route('graph.memberships.list', 'GET', 'graph/memberships/{subjectDescriptor}', 'org', '7.1-preview.1', listMemberships, GRAPH),
  route('graph.subjectLookup', 'POST', 'graph/subjectlookup', 'org', '7.1-preview.1', subjectLookup, { ...GRAPH, replayable: true }),
  route('entitlements.users.list', 'GET', 'userentitlements', 'org', '7.1', listEntitlements, ENTITLEMENTS),
  route('entitlements.users.get', 'GET', 'userentitlements/{userId}', 'org', '7.1', getEntitlement, ENTITLEMENTS),
  route('ims.identities', 'GET', 'identities', 'org', '7.1', readIdentities, { hosts: ['graph'], server: true }),
];
