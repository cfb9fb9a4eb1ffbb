import { resourcePathText, type PortAppConfig, type ResourceConfig } from './app-config';
import { DEFAULT_BATCH_LIMITS, evaluateEach, type BatchLimits, type EvaluationStats, type ItemOutcome } from './batch-evaluator';
import { MappingConfigError, type ConfigProblem } from './config-problems';
import { deletionPathOf, mergeElements } from './items-to-parse';
import { checkJqCompiles, JqCompileError, JsonText, type JqEngine } from './jq-engine';
import { describeJsonValue, formatPath, quoteJq, rewriteSingleQuotes } from './jq-expression';
import { itemsToParseBody, planResource, PROGRAM_PRELUDE, type MappingTemplate, type ResourcePlan, type Slot, type Template } from './mapping-program';
import { SlotEvaluator } from './slot-evaluator';

/**
 * Applies one resource's selector and mappings to raw items, producing the entity JSON sent to
 * Port (port-api-and-ocean-core.md §2.7–2.8, §3.4).
 */

export type SearchQuery = { combinator: string; rules: unknown[] };

/** Only the keys the mapping defines, plus identifier and blueprint; jq nulls are kept as null. */
export type MappedEntity = {
  blueprint: string;
  /** A string (a number from jq is converted, since Port identifiers are strings), or a search query Port resolves. */
  identifier: string | SearchQuery;
  title?: string | null;
  icon?: string | null;
  /** As jq returned it: Port validates team values. */
  team?: string | string[] | SearchQuery | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
};

/** A field that failed for some items: reported once per field with its first message and a count. */
export type FieldError = { resourceIndex: number; kind: string; field: string; jq: string; message: string; count: number };

export type MappingBatchResult = {
  entities: MappedEntity[];
  /** Items whose selector returned false. */
  filteredOut: number;
  /** Entities dropped because identifier or blueprint was null, empty or of the wrong type. */
  skippedNoIdentifier: number;
  /** Items whose selector returned something other than true/false, or failed. */
  selectorErrors: number;
  /** Items the jq engine could not evaluate at all (e.g. the interpreter crashed on them). */
  failedItems: number;
  /** Raw items dropped because `itemsToParse` failed or did not return an array (a warning, as in Ocean). */
  itemsToParseSkipped: number;
  /**
   * Failures in this batch, per field, with counts for this batch. To report once per field per
   * resource, log the fields not logged before, or log `summary().fieldErrors` (totals) at the end.
   */
  fieldErrors: FieldError[];
  /**
   * Some item could not be judged: its entity may be missing for reasons other than the data, so
   * reconciliation must not delete on the strength of this run.
   */
  hasErrors: boolean;
};

export type MappingSummary = Omit<MappingBatchResult, 'entities' | 'fieldErrors'> & {
  /** Raw items given to mapBatch. */
  items: number;
  entities: number;
  /** Batches that failed as a whole and were re-evaluated item by item. */
  batchFallbacks: number;
  engineCalls: number;
  /** Every field failure so far, with totals. */
  fieldErrors: FieldError[];
};

export type ResourceMapperOptions = {
  limits?: BatchLimits;
  /** Compile-check results by expression text, shared across resources (each check is one engine call). */
  compileCache?: Map<string, string | undefined>;
};

/** Field names used in reports for failures that are not one field's. */
const WHOLE_MAPPING = 'port.entity.mappings';

export class ResourceMapper {
  private readonly totals: MappingSummary = {
    items: 0,
    entities: 0,
    filteredOut: 0,
    skippedNoIdentifier: 0,
    selectorErrors: 0,
    failedItems: 0,
    itemsToParseSkipped: 0,
    batchFallbacks: 0,
    engineCalls: 0,
    fieldErrors: [],
    hasErrors: false,
  };
  private readonly totalErrors = new Map<string, FieldError>();
  private readonly itemsToParse: { body: string; replacesParent: boolean } | undefined;
  /** Reads plain paths and constants itself, the rest through jq on a cut-down input. */
  private readonly slots: SlotEvaluator;

  /** Use {@link compileResource}, which checks every expression first. */
  constructor(
    readonly resource: ResourceConfig,
    private readonly engine: JqEngine,
    private readonly plan: ResourcePlan,
    deletionPath: string | undefined,
    private readonly limits: BatchLimits,
  ) {
    const expression = resource.port.itemsToParse;
    this.itemsToParse = expression === undefined ? undefined : { body: itemsToParseBody(expression, deletionPath), replacesParent: deletionPath !== undefined };
    this.slots = new SlotEvaluator(engine, plan.slots, limits, expression === undefined);
  }

  mapBatch(items: unknown[]): MappingBatchResult {
    const batch = new BatchTally(this.resource);
    const stats: EvaluationStats = { engineCalls: 0, fallbacks: 0 };
    const expanded = this.itemsToParse ? this.expand(items, batch, stats) : items;
    const outcomes = this.slots.evaluate(expanded, stats);
    for (const outcome of outcomes) this.assemble(outcome, batch);

    const result = batch.result();
    this.accumulate(items.length, result, stats);
    return result;
  }

  /** The jq programs (bodies) this mapper runs, for the compile check. */
  programBodies(): string[] {
    return this.slots.programBodies();
  }

  /** Totals over every batch so far. */
  summary(): MappingSummary {
    return { ...this.totals, fieldErrors: [...this.totalErrors.values()].map((e) => ({ ...e })) };
  }

  private expand(items: unknown[], batch: BatchTally, stats: EvaluationStats): unknown[] {
    const settings = this.itemsToParse;
    const expression = this.resource.port.itemsToParse;
    if (!settings || expression === undefined) return items;
    const outcomes = evaluateEach(this.engine, PROGRAM_PRELUDE, settings.body, items, this.limits, stats);
    const expanded: unknown[] = [];
    outcomes.forEach((outcome, i) => {
      const field = 'port.itemsToParse';
      if (!outcome.ok || typeof outcome.value !== 'object' || outcome.value === null) {
        // The engine could not evaluate the item at all: unlike a jq error, this says nothing about the data.
        batch.failedItems += 1;
        batch.fieldError(field, expression, outcome.ok ? 'the itemsToParse program returned no record' : outcome.message);
        return;
      }
      const record = outcome.value as { a?: unknown; p?: unknown };
      const elements = slotValue(record.a);
      if (!elements.ok) {
        batch.itemsToParseSkipped += 1;
        batch.fieldError(field, expression, elements.message);
      } else if (!Array.isArray(elements.value)) {
        batch.itemsToParseSkipped += 1;
        batch.fieldError(field, expression, `returned ${describeJsonValue(elements.value)}, expected an array; the item was skipped`);
      } else {
        const parent = settings.replacesParent ? record.p : items[i];
        // A loop, not push(...spread): an array of 100,000+ elements would overflow the call stack.
        for (const merged of mergeElements(parent, elements.value, this.resource.port.itemsToParseName)) expanded.push(merged);
      }
    });
    return expanded;
  }

  private assemble(outcome: ItemOutcome, batch: BatchTally): void {
    if (!outcome.ok) {
      batch.failedItems += 1;
      batch.fieldError(WHOLE_MAPPING, '(the whole mapping)', outcome.message);
      return;
    }
    if (!Array.isArray(outcome.value)) {
      batch.failedItems += 1;
      batch.fieldError(WHOLE_MAPPING, '(the whole mapping)', `the mapping program returned ${describeJsonValue(outcome.value)} instead of a list of values`);
      return;
    }
    // Slots stay in jq's wrapped form and are read where a template needs them: one small object
    // per slot and item added up to a tenth of what a large sync allocates.
    const values: readonly unknown[] = outcome.value;
    const selector = values.length > 0 ? slotValue(values[0]) : { ok: true as const, value: null };
    const selectorJq = this.plan.selector.jq;
    if (!selector.ok) {
      batch.selectorErrors += 1;
      batch.fieldError('selector.query', selectorJq, selector.message);
      return;
    }
    if (selector.value === false) {
      batch.filteredOut += 1;
      return;
    }
    if (selector.value !== true) {
      batch.selectorErrors += 1;
      batch.fieldError('selector.query', selectorJq, `returned ${describeJsonValue(selector.value)}; a selector must return true or false`);
      return;
    }
    const read = (template: Template): unknown => this.read(template, values, batch);
    for (const mapping of this.plan.mappings) {
      const entity = this.entity(mapping, read, batch, values);
      if (entity) batch.entities.push(entity);
    }
  }

  private entity(mapping: MappingTemplate, read: (template: Template) => unknown, batch: BatchTally, values: readonly unknown[]): MappedEntity | undefined {
    const identifier = this.identifier(mapping.identifier, read(mapping.identifier), batch);
    const blueprint = this.blueprint(mapping.blueprint, read(mapping.blueprint), batch);
    if (identifier === undefined || blueprint === undefined) {
      // An identifier that is null is "no entity", as in Ocean. One whose expression failed is an
      // item the mapping could not evaluate: its entity may exist in Port, so it must not look stale.
      if (failedSlot(mapping.identifier, values) || failedSlot(mapping.blueprint, values)) batch.failedItems += 1;
      else batch.skippedNoIdentifier += 1;
      return undefined;
    }
    const entity: MappedEntity = { identifier, blueprint };
    if (mapping.title) entity.title = this.text(mapping.title, read(mapping.title), batch);
    if (mapping.icon) entity.icon = this.text(mapping.icon, read(mapping.icon), batch);
    if (mapping.team) entity.team = read(mapping.team) as MappedEntity['team'];
    if (mapping.properties) entity.properties = this.record(mapping.properties, read);
    if (mapping.relations) entity.relations = this.record(mapping.relations, read);
    return entity;
  }

  private identifier(template: Template, value: unknown, batch: BatchTally): string | SearchQuery | undefined {
    if (template.type === 'object') return value as SearchQuery;
    if (typeof value === 'string' && value !== '') return value;
    // A jq that builds the search query itself (Ocean sends whatever the identifier evaluates to).
    if (isSearchQuery(value)) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (value !== null && value !== '' && value !== false) this.wrongType(template, value, 'an identifier must be a string; the entity was skipped', batch);
    return undefined;
  }

  private blueprint(template: Template, value: unknown, batch: BatchTally): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    if (value !== null && value !== '') this.wrongType(template, value, 'a blueprint must be a string; the entity was skipped', batch);
    return undefined;
  }

  /** Title and icon are strings in Port: numbers and booleans are sent as text, anything else as null. */
  private text(template: Template, value: unknown, batch: BatchTally): string | null {
    if (value === null || typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.wrongType(template, value, 'expected a string; sent as null', batch);
    return null;
  }

  private wrongType(template: Template, value: unknown, why: string, batch: BatchTally): void {
    if (template.type !== 'jq') return;
    const slot = this.plan.slots[template.slot] as Slot;
    batch.fieldError(formatPath(slot.path), slot.jq, `returned ${describeJsonValue(value)}; ${why}`);
  }

  private record(entries: readonly (readonly [string, Template])[], read: (template: Template) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, template] of entries) {
      // A key named __proto__ is a name like any other (as Object.fromEntries has it), not the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: read(template), enumerable: true, writable: true, configurable: true });
      else out[key] = read(template);
    }
    return out;
  }

  private read(template: Template, values: readonly unknown[], batch: BatchTally): unknown {
    switch (template.type) {
      case 'jq': {
        const wrapped = values[template.slot];
        if (wrapped === undefined) return null;
        if (Array.isArray(wrapped)) return slotOutput(wrapped);
        const value = slotValue(wrapped);
        if (value.ok) return value.value;
        const slot = this.plan.slots[template.slot] as Slot;
        batch.fieldError(formatPath(slot.path), slot.jq, value.message);
        return null;
      }
      case 'object':
        return this.record(template.entries, (inner) => this.read(inner, values, batch));
      case 'array':
        return template.items.map((inner) => this.read(inner, values, batch));
    }
  }

  private accumulate(items: number, result: MappingBatchResult, stats: EvaluationStats): void {
    const t = this.totals;
    t.items += items;
    t.entities += result.entities.length;
    t.filteredOut += result.filteredOut;
    t.skippedNoIdentifier += result.skippedNoIdentifier;
    t.selectorErrors += result.selectorErrors;
    t.failedItems += result.failedItems;
    t.itemsToParseSkipped += result.itemsToParseSkipped;
    t.batchFallbacks += stats.fallbacks;
    t.engineCalls += stats.engineCalls;
    t.hasErrors ||= result.hasErrors;
    for (const error of result.fieldErrors) {
      const known = this.totalErrors.get(error.field);
      if (known) known.count += error.count;
      else this.totalErrors.set(error.field, { ...error });
    }
  }
}

/** Counts for one batch. */
class BatchTally {
  readonly entities: MappedEntity[] = [];
  filteredOut = 0;
  skippedNoIdentifier = 0;
  selectorErrors = 0;
  failedItems = 0;
  itemsToParseSkipped = 0;
  private readonly errors = new Map<string, FieldError>();

  constructor(private readonly resource: ResourceConfig) {}

  fieldError(field: string, jq: string, message: string): void {
    const known = this.errors.get(field);
    if (known) known.count += 1;
    else this.errors.set(field, { resourceIndex: this.resource.index, kind: this.resource.kind, field, jq, message, count: 1 });
  }

  result(): MappingBatchResult {
    return {
      entities: this.entities,
      filteredOut: this.filteredOut,
      skippedNoIdentifier: this.skippedNoIdentifier,
      selectorErrors: this.selectorErrors,
      failedItems: this.failedItems,
      itemsToParseSkipped: this.itemsToParseSkipped,
      fieldErrors: [...this.errors.values()],
      hasErrors: this.selectorErrors > 0 || this.failedItems > 0,
    };
  }
}

/** Whether a plain jq template's slot answered an error (`{e}`) rather than a value. */
function failedSlot(template: Template, values: readonly unknown[]): boolean {
  if (template.type !== 'jq') return false;
  const wrapped = values[template.slot];
  return wrapped !== undefined && !Array.isArray(wrapped) && !slotValue(wrapped).ok;
}

/** Reads one wrapped slot value: `[v]` → v, `[]` → null, `{e}` → the error message. */
function slotValue(wrapped: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (Array.isArray(wrapped)) return { ok: true, value: slotOutput(wrapped) };
  if (typeof wrapped === 'object' && wrapped !== null && 'e' in wrapped) return { ok: false, message: String((wrapped).e) };
  return { ok: false, message: `the mapping program returned ${describeJsonValue(wrapped)} instead of a slot value` };
}

/** A slot that succeeded holds its expression's outputs: the first is the value, none is null. */
function slotOutput(outputs: readonly unknown[]): unknown {
  return outputs.length > 0 ? outputs[0] : null;
}

/**
 * Checks every expression of the resource (each on its own, as written, so a stray parenthesis
 * cannot pass by pairing with the program around it) and builds its mapper. Throws a
 * {@link MappingConfigError} naming file, line, field path and jq text for every expression that
 * does not compile.
 */
export function compileResource(resource: ResourceConfig, engine: JqEngine, options: ResourceMapperOptions = {}): ResourceMapper {
  const plan = planResource(resource);
  const checked = options.compileCache ?? new Map<string, string | undefined>();
  const compiles = (jq: string) => {
    if (!checked.has(jq)) checked.set(jq, checkJqCompiles(engine, jq));
    return checked.get(jq);
  };
  const problems: ConfigProblem[] = [];
  const report = (path: (string | number)[], jq: string, message: string) => {
    const rewritten = rewriteSingleQuotes(jq);
    const note = rewritten === jq ? '' : ` (read as \`${quoteJq(rewritten)}\` after Port's single-quote rewrite)`;
    // Positions in jq's message are inside the expression, not the file.
    const jqMessage = message.replace(/ at <top-level>, (line \d+(?:, column \d+)?)/g, ' ($1 of the expression)');
    problems.push({
      message: `jq \`${quoteJq(jq)}\`${note} does not compile: ${jqMessage}`,
      source: resource.lineOf(path),
      path: resourcePathText(resource, path),
    });
  };
  const itemsToParse = resource.port.itemsToParse;
  for (const slot of checkedSlots(resource, plan)) {
    const message = compiles(slot.jq);
    if (message !== undefined) report(slot.path, slot.jq, message);
  }
  if (problems.length > 0) throw new MappingConfigError(problems, `Resource ${resource.index} (kind ${resource.kind})`);

  let deletionPath: string | undefined;
  if (itemsToParse !== undefined && resource.port.itemsToParseTopLevelTransform) {
    const guess = deletionPathOf(rewriteSingleQuotes(itemsToParse));
    // The guessed path is used only if jq accepts it in del(); otherwise nothing is deleted.
    if (guess !== undefined && checkJqCompiles(engine, `del(${guess})`) === undefined) deletionPath = guess;
  }
  const mapper = new ResourceMapper(resource, engine, plan, deletionPath, options.limits ?? DEFAULT_BATCH_LIMITS);
  for (const body of mapper.programBodies()) assertProgramCompiles(engine, resource, body);
  if (itemsToParse !== undefined) assertProgramCompiles(engine, resource, itemsToParseBody(itemsToParse, deletionPath));
  return mapper;
}

/** Every expression compiled alone; the assembled program failing would be a defect here, not in the mapping. */
function assertProgramCompiles(engine: JqEngine, resource: ResourceConfig, body: string): void {
  try {
    engine.run(`${PROGRAM_PRELUDE}map(${body})`, new JsonText(''));
  } catch (error) {
    if (!(error instanceof JqCompileError)) throw error;
    throw new MappingConfigError(
      [{ message: `the mapping could not be assembled into one jq program (${error.jqMessage}); please report this with your mapping`, source: resource.source, path: resourcePathText(resource, []) }],
      `Resource ${resource.index} (kind ${resource.kind})`,
    );
  }
}

/** Each expression of a resource that {@link compileResource} checks on its own, with where it is. */
function checkedSlots(resource: ResourceConfig, plan = planResource(resource)): Slot[] {
  const itemsToParse = resource.port.itemsToParse;
  return itemsToParse === undefined ? plan.slots : [plan.slots[0] as Slot, { path: ['port', 'itemsToParse'], jq: itemsToParse }, ...plan.slots.slice(1)];
}

/** The expressions {@link compileResource} checks on its own for a resource. */
export function checkedExpressions(resource: ResourceConfig): string[] {
  return checkedSlots(resource).map((slot) => slot.jq);
}

/** Compiles every resource, reporting the problems of all of them together. */
export function compilePortAppConfig(config: PortAppConfig, engine: JqEngine, options: ResourceMapperOptions = {}): ResourceMapper[] {
  const mappers: ResourceMapper[] = [];
  const problems: ConfigProblem[] = [];
  const shared = { ...options, compileCache: options.compileCache ?? new Map<string, string | undefined>() };
  for (const resource of config.resources) {
    try {
      mappers.push(compileResource(resource, engine, shared));
    } catch (error) {
      if (!(error instanceof MappingConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  const [first] = problems;
  if (first) throw new MappingConfigError(problems, `The mapping (${first.source.file})`);
  return mappers;
}

function isSearchQuery(value: unknown): value is SearchQuery {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as SearchQuery).combinator === 'string' && Array.isArray((value as SearchQuery).rules);
}
