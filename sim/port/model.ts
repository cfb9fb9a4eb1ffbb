/** What the simulator stores: the shapes Port answers with, plus the bookkeeping tests inspect. */

export type PropertySchema = {
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  enum?: unknown[];
  items?: { type?: string; format?: string; [key: string]: unknown };
  [key: string]: unknown;
};

export type RelationSchema = {
  target: string;
  required: boolean;
  many: boolean;
  title?: string;
  description?: string;
};

export type Blueprint = {
  identifier: string;
  title: string;
  description?: string;
  icon?: string;
  schema: { properties: Record<string, PropertySchema>; required: string[] };
  relations: Record<string, RelationSchema>;
  mirrorProperties: Record<string, unknown>;
  calculationProperties: Record<string, unknown>;
  aggregationProperties: Record<string, unknown>;
  ownership?: unknown;
  teamInheritance?: unknown;
  changelogDestination?: unknown;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
};

export type RelationValue = string | string[];

export type StoredEntity = {
  identifier: string;
  blueprint: string;
  title: string | null;
  icon: string | null;
  team: string[];
  /** Only set properties; a property written as null is unset and absent here. */
  properties: Record<string, unknown>;
  /** Only set relations: single → identifier, many → identifiers. */
  relations: Record<string, RelationValue>;
  /** The User-Agent of the last write (Port's datasource attribution, §2.13). */
  datasource: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  /** Creation order, for stable datasource-entities paging. */
  seq: number;
};

export type ResyncStateRecord = Record<string, unknown> & { updatedAt: string };

export type Integration = {
  installationId: string;
  installationAppType: string;
  title: string | null;
  version: string;
  /** `OnPrem` for what the API creates (a self-hosted integration); a seed may say `Saas…` (one Port hosts). */
  installationType: string;
  config: Record<string, unknown>;
  changelogDestination: Record<string, unknown>;
  actionsProcessingEnabled: boolean;
  incrementalSyncEnabled: boolean;
  processingMode?: string;
  createPortResourcesOrigin: string;
  arePortResourcesInitialized: boolean;
  spec?: Record<string, unknown>;
  resyncState: ResyncStateRecord | null;
  logAttributes: { ingestId: string; ingestUrl: string };
  metricAttributes: { ingestId: string; ingestUrl: string };
  ingestAttributes: { ingestId: string; ingestUrl: string };
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
};

/** Side data the simulator keeps per integration for assertions (not part of Port's answer). */
export type IntegrationRecords = {
  resyncStateHistory: ResyncStateRecord[];
  /** kind → every examples payload received, in order. */
  examples: Record<string, unknown[][]>;
  /** `${kind}#${index}` → cursor object. */
  cursors: Record<string, Record<string, unknown>>;
  /** Payloads posted to the log and metric ingest URLs handed out in the integration object. */
  logs: unknown[];
  metrics: { method: string; path: string; body: unknown }[];
};

export type RecordedCall = {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** The route pattern that matched, e.g. `POST /v1/blueprints/:blueprint/entities/bulk`; null if none. */
  route: string | null;
  status: number;
  userAgent: string | null;
  requestBytes: number;
  responseBytes: number;
  timestamp: string;
  /** Set when an injected fault answered instead of the route. */
  faultId?: string;
};

export type Counters = {
  requests: number;
  requestsByRoute: Record<string, number>;
  statuses: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  rateLimited: number;
  faultsFired: number;
  peakInFlight: number;
  peakQueued: number;
};
