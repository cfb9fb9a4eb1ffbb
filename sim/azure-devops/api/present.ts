import { isoMillis, isoTicks } from '../model/dates';
import type { ProjectRecord, UserRecord } from '../model/records';
import type { Identity } from '../server/auth';
import type { ServiceUrls } from '../wire/hosts';
import type { JsonObject } from '../wire/json';

/** Shared wire shapes: identity references, project references, dates. */

export const date = (ms: number | null | undefined): string | undefined => (ms === null || ms === undefined ? undefined : isoMillis(ms));
export const ticks = (ms: number | null | undefined): string | undefined => (ms === null || ms === undefined ? undefined : isoTicks(ms));

type IdentityLike = Pick<UserRecord, 'id' | 'displayName' | 'descriptor'> & { uniqueName?: string; principalName?: string };

/** `IdentityRef` (core/7.1 IdentityRef): as pull requests, refs and builds carry it. */
export function identityRef(who: IdentityLike | undefined, urls: ServiceUrls): JsonObject | undefined {
  if (!who) return undefined;
  return {
    displayName: who.displayName,
    url: `${urls.graph}/_apis/Identities/${who.id}`,
    _links: { avatar: { href: `${urls.core}/_apis/GraphProfile/MemberAvatars/${who.descriptor}` } },
    id: who.id,
    uniqueName: who.uniqueName ?? who.principalName ?? '',
    imageUrl: `${urls.core}/_api/_common/identityImage?id=${who.id}`,
    descriptor: who.descriptor,
  };
}

export function identityOf(identity: Identity): IdentityLike {
  return { id: identity.id, displayName: identity.displayName, descriptor: identity.descriptor, uniqueName: identity.uniqueName };
}

/** `TeamProjectReference`. */
export function projectRef(project: ProjectRecord, urls: ServiceUrls): JsonObject {
  return {
    id: project.id,
    name: project.name,
    description: project.description === '' ? undefined : project.description,
    url: `${urls.core}/_apis/projects/${project.id}`,
    state: project.state,
    revision: project.revision,
    visibility: project.visibility,
    lastUpdateTime: date(project.lastUpdateTime),
  };
}

/** Path segment for a name in a web URL. */
export const seg = (text: string): string => encodeURIComponent(text);
