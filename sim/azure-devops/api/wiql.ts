import { errors } from '../wire/errors';

/**
 * A WIQL subset: flat queries over `WorkItems` with the operators and macros integrations use
 * (`=`, `<>`, `<`, `>`, `<=`, `>=`, `IN`, `NOT IN`, `UNDER`, `CONTAINS`, `CONTAINS WORDS`,
 * `IS EMPTY`, `EVER`, `AND`/`OR`/`NOT`, parentheses; `@today±n`, `@me`, `@project`,
 * `@currentIteration`, `@startOfDay/Week/Month/Year`; `ORDER BY … ASC|DESC`).
 */

export type WiqlValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'macro'; name: string; offset: number }
  | { kind: 'field'; name: string };

export type WiqlExpr =
  | { kind: 'and' | 'or'; left: WiqlExpr; right: WiqlExpr }
  | { kind: 'not'; expr: WiqlExpr }
  | { kind: 'compare'; field: string; op: '=' | '<>' | '<' | '>' | '<=' | '>='; value: WiqlValue }
  | { kind: 'in'; field: string; values: WiqlValue[]; negated: boolean }
  | { kind: 'under'; field: string; value: WiqlValue; negated: boolean }
  | { kind: 'contains'; field: string; value: WiqlValue; negated: boolean; words: boolean }
  | { kind: 'empty'; field: string; negated: boolean }
  | { kind: 'ever'; field: string; value: WiqlValue; negated: boolean };

export interface WiqlQuery {
  fields: string[];
  where: WiqlExpr | undefined;
  orderBy: { field: string; descending: boolean }[];
  asOf: string | undefined;
}

type Token = { type: 'field' | 'string' | 'number' | 'word' | 'macro' | 'op' | 'punct'; text: string; value?: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw syntax(`unterminated field name at position ${i}`);
      tokens.push({ type: 'field', text: text.slice(i + 1, end).trim() });
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntax(`unterminated string at position ${i}`);
        const d = text[j];
        if (d === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += d;
        j++;
      }
      tokens.push({ type: 'string', text: value });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^[0-9]*\.?[0-9]+/.exec(text.slice(i));
      const num = match?.[0] ?? c;
      tokens.push({ type: 'number', text: num });
      i += num.length;
      continue;
    }
    if (c === '@') {
      const match = /^@[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!match) throw syntax(`bad macro at position ${i}`);
      tokens.push({ type: 'macro', text: match[0].slice(1).toLowerCase() });
      i += match[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['<>', '!=', '<=', '>='].includes(two)) {
      tokens.push({ type: 'op', text: two === '!=' ? '<>' : two });
      i += 2;
      continue;
    }
    if ('=<>'.includes(c)) {
      tokens.push({ type: 'op', text: c });
      i++;
      continue;
    }
    if ('(),*+-'.includes(c)) {
      tokens.push({ type: 'punct', text: c });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (!word) throw syntax(`unexpected character '${c}' at position ${i}`);
    tokens.push({ type: 'word', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

function syntax(detail: string): Error {
  return errors.badRequest(`TF51005: The query references a field or syntax that is not valid: ${detail}.`, 'WorkItemTrackingQueryInvalidSyntaxException');
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.type === 'word' && t.text.toLowerCase() === word;
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw syntax(`expected ${word.toUpperCase()} near '${this.peek()?.text ?? 'end of query'}'`);
    this.pos++;
  }

  private expectPunct(p: string): void {
    const t = this.peek();
    if (t?.type !== 'punct' || t.text !== p) throw syntax(`expected '${p}' near '${t?.text ?? 'end of query'}'`);
    this.pos++;
  }

  private field(): string {
    const t = this.peek();
    if (t?.type === 'field' || (t?.type === 'word' && !KEYWORDS.has(t.text.toLowerCase()))) {
      this.pos++;
      return t.text;
    }
    throw syntax(`expected a field near '${t?.text ?? 'end of query'}'`);
  }

  parse(): WiqlQuery {
    this.expectWord('select');
    const fields: string[] = [];
    if (this.peek()?.text === '*') {
      this.pos++;
    } else {
      fields.push(this.field());
      while (this.peek()?.text === ',') {
        this.pos++;
        fields.push(this.field());
      }
    }
    this.expectWord('from');
    const source = this.peek();
    if (source?.type !== 'word') throw syntax('expected WorkItems after FROM');
    if (source.text.toLowerCase() !== 'workitems') throw errors.badRequest(`VS402328: The query type '${source.text}' is not supported by this simulator; only flat WorkItems queries are.`, 'WorkItemTrackingQueryInvalidSyntaxException');
    this.pos++;
    let where: WiqlExpr | undefined;
    if (this.isWord('where')) {
      this.pos++;
      where = this.or();
    }
    const orderBy: WiqlQuery['orderBy'] = [];
    if (this.isWord('order')) {
      this.pos++;
      this.expectWord('by');
      for (;;) {
        const field = this.field();
        let descending = false;
        if (this.isWord('asc')) this.pos++;
        else if (this.isWord('desc')) {
          descending = true;
          this.pos++;
        }
        orderBy.push({ field, descending });
        if (this.peek()?.text !== ',') break;
        this.pos++;
      }
    }
    let asOf: string | undefined;
    if (this.isWord('asof')) {
      this.pos++;
      asOf = this.peek()?.text;
      this.pos++;
    }
    if (this.peek()) throw syntax(`unexpected '${this.peek()?.text ?? ''}'`);
    return { fields, where, orderBy, asOf };
  }

  private or(): WiqlExpr {
    let left = this.and();
    while (this.isWord('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): WiqlExpr {
    let left = this.factor();
    while (this.isWord('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.factor() };
    }
    return left;
  }

  private factor(): WiqlExpr {
    if (this.isWord('not') && this.peek(1)?.text === '(') {
      this.pos++;
      return { kind: 'not', expr: this.factor() };
    }
    if (this.peek()?.text === '(') {
      this.pos++;
      const expr = this.or();
      this.expectPunct(')');
      return expr;
    }
    return this.condition();
  }

  private condition(): WiqlExpr {
    const field = this.field();
    const t = this.peek();
    if (t?.type === 'op') {
      this.pos++;
      return { kind: 'compare', field, op: t.text as '=', value: this.value() };
    }
    let negated = false;
    if (this.isWord('not')) {
      negated = true;
      this.pos++;
    }
    if (this.isWord('in')) {
      this.pos++;
      if (this.isWord('group')) throw errors.badRequest('IN GROUP is not supported by this simulator.', 'WorkItemTrackingQueryInvalidSyntaxException');
      this.expectPunct('(');
      const values = [this.value()];
      while (this.peek()?.text === ',') {
        this.pos++;
        values.push(this.value());
      }
      this.expectPunct(')');
      return { kind: 'in', field, values, negated };
    }
    if (this.isWord('under')) {
      this.pos++;
      return { kind: 'under', field, value: this.value(), negated };
    }
    if (this.isWord('contains')) {
      this.pos++;
      let words = false;
      if (this.isWord('words')) {
        words = true;
        this.pos++;
      }
      return { kind: 'contains', field, value: this.value(), negated, words };
    }
    if (this.isWord('ever')) {
      this.pos++;
      return { kind: 'ever', field, value: this.value(), negated };
    }
    if (this.isWord('is')) {
      this.pos++;
      let isNot = false;
      if (this.isWord('not')) {
        isNot = true;
        this.pos++;
      }
      this.expectWord('empty');
      return { kind: 'empty', field, negated: isNot };
    }
    throw syntax(`expected an operator after [${field}]`);
  }

  private value(): WiqlValue {
    const t = this.peek();
    if (!t) throw syntax('expected a value at end of query');
    this.pos++;
    if (t.type === 'string') return { kind: 'string', value: t.text };
    if (t.type === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.type === 'field') return { kind: 'field', name: t.text };
    if (t.type === 'punct' && t.text === '-' && this.peek()?.type === 'number') {
      const n = this.peek();
      this.pos++;
      return { kind: 'number', value: -Number(n?.text) };
    }
    if (t.type === 'macro') {
      let offset = 0;
      if (this.peek()?.text === '(') {
        // @StartOfMonth('+1') style arguments
        this.pos++;
        const arg = this.peek();
        this.pos++;
        this.expectPunct(')');
        offset = Number(String(arg?.text ?? '0').replace(/[^0-9+-]/g, '')) || 0;
      }
      const sign = this.peek();
      if (sign?.type === 'punct' && (sign.text === '+' || sign.text === '-') && this.peek(1)?.type === 'number') {
        this.pos += 2;
        offset = (sign.text === '-' ? -1 : 1) * Number(this.tokens[this.pos - 1]?.text);
      }
      return { kind: 'macro', name: t.text, offset };
    }
    if (t.type === 'word') {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'string', value: lower };
    }
    throw syntax(`unexpected value '${t.text}'`);
  }
}

const KEYWORDS = new Set(['select', 'from', 'where', 'and', 'or', 'not', 'in', 'under', 'contains', 'words', 'ever', 'is', 'empty', 'order', 'by', 'asc', 'desc', 'asof', 'group']);

export function parseWiql(text: string): WiqlQuery {
  if (typeof text !== 'string' || text.trim() === '') throw errors.badRequest('The query is empty. Provide a WIQL query in the "query" property.', 'ArgumentNullException');
  return new Parser(tokenize(text)).parse();
}

/** Friendly names accepted for the fields queries use most. */
const FRIENDLY: Record<string, string> = {
  id: 'System.Id',
  title: 'System.Title',
  state: 'System.State',
  reason: 'System.Reason',
  'work item type': 'System.WorkItemType',
  'team project': 'System.TeamProject',
  'area path': 'System.AreaPath',
  'iteration path': 'System.IterationPath',
  'assigned to': 'System.AssignedTo',
  'created by': 'System.CreatedBy',
  'changed by': 'System.ChangedBy',
  'created date': 'System.CreatedDate',
  'changed date': 'System.ChangedDate',
  tags: 'System.Tags',
  priority: 'Microsoft.VSTS.Common.Priority',
  'board column': 'System.BoardColumn',
  'closed date': 'Microsoft.VSTS.Common.ClosedDate',
  'state change date': 'Microsoft.VSTS.Common.StateChangeDate',
  parent: 'System.Parent',
  rev: 'System.Rev',
  'story points': 'Microsoft.VSTS.Scheduling.StoryPoints',
};

export function referenceName(field: string): string {
  return FRIENDLY[field.toLowerCase()] ?? field;
}

export type FieldType = 'string' | 'number' | 'date' | 'identity' | 'path' | 'tags';

export const FIELD_TYPES: Record<string, FieldType> = {
  'system.id': 'number',
  'system.rev': 'number',
  'system.parent': 'number',
  'microsoft.vsts.common.priority': 'number',
  'microsoft.vsts.scheduling.storypoints': 'number',
  'microsoft.vsts.scheduling.effort': 'number',
  'microsoft.vsts.scheduling.size': 'number',
  'microsoft.vsts.scheduling.remainingwork': 'number',
  'system.commentcount': 'number',
  'system.createddate': 'date',
  'system.changeddate': 'date',
  'microsoft.vsts.common.closeddate': 'date',
  'microsoft.vsts.common.statechangedate': 'date',
  'system.assignedto': 'identity',
  'system.createdby': 'identity',
  'system.changedby': 'identity',
  'system.areapath': 'path',
  'system.iterationpath': 'path',
  'system.tags': 'tags',
};

export interface EvaluationEnv {
  /** Field value by reference name (lower-case): string, number, ms, identity forms, or null. */
  field(name: string): string | number | string[] | null;
  macro(name: string, offset: number, type: FieldType): string | number | string[];
  timePrecision: boolean;
}

const DAY = 86_400_000;

function fieldType(name: string): FieldType {
  return FIELD_TYPES[referenceName(name).toLowerCase()] ?? 'string';
}

function resolve(value: WiqlValue, type: FieldType, env: EvaluationEnv): string | number | string[] | null {
  if (value.kind === 'string') {
    if (type === 'number') return Number(value.value);
    if (type === 'date') {
      const ms = Date.parse(value.value);
      if (Number.isNaN(ms)) throw errors.badRequest(`TF51005: The date '${value.value}' is not valid.`, 'WorkItemTrackingQueryInvalidSyntaxException');
      return ms;
    }
    return value.value;
  }
  if (value.kind === 'number') return value.value;
  if (value.kind === 'field') return env.field(referenceName(value.name).toLowerCase());
  return env.macro(value.name, value.offset, type);
}

function compareValues(left: string | number | string[] | null, right: string | number | string[] | null, op: string, type: FieldType, timePrecision: boolean): boolean {
  if (left === null || left === '') {
    if (op === '=') return right === null || right === '';
    if (op === '<>') return !(right === null || right === '');
    return false;
  }
  if (right === null) return op === '<>';
  if (type === 'identity') {
    const forms = (Array.isArray(left) ? left : [String(left)]).map((f) => f.toLowerCase());
    const wanted = (Array.isArray(right) ? right : [String(right)]).map((f) => f.toLowerCase());
    const equal = wanted.some((w) => forms.includes(w));
    return op === '=' ? equal : op === '<>' ? !equal : false;
  }
  let a: number | string;
  let b: number | string;
  if (type === 'number' || type === 'date') {
    a = Number(left);
    b = Number(right);
    if (type === 'date' && !timePrecision) {
      a = Math.floor(a / DAY);
      b = Math.floor(b / DAY);
    }
  } else {
    a = String(left).toLowerCase();
    b = String(right).toLowerCase();
  }
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

export function evaluate(expr: WiqlExpr, env: EvaluationEnv): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, env) && evaluate(expr.right, env);
    case 'or':
      return evaluate(expr.left, env) || evaluate(expr.right, env);
    case 'not':
      return !evaluate(expr.expr, env);
    case 'compare': {
      const type = fieldType(expr.field);
      return compareValues(env.field(referenceName(expr.field).toLowerCase()), resolve(expr.value, type, env), expr.op, type, env.timePrecision);
    }
    case 'ever': {
      const type = fieldType(expr.field);
      const result = compareValues(env.field(referenceName(expr.field).toLowerCase()), resolve(expr.value, type, env), '=', type, env.timePrecision);
      return expr.negated ? !result : result;
    }
    case 'in': {
      const type = fieldType(expr.field);
      const left = env.field(referenceName(expr.field).toLowerCase());
      const found = expr.values.some((v) => compareValues(left, resolve(v, type, env), '=', type, env.timePrecision));
      return expr.negated ? !found : found;
    }
    case 'under': {
      const left = String(env.field(referenceName(expr.field).toLowerCase()) ?? '').toLowerCase();
      const right = String(resolve(expr.value, 'path', env) ?? '').toLowerCase();
      const under = left === right || left.startsWith(`${right}\\`);
      return expr.negated ? !under : under;
    }
    case 'contains': {
      const raw = env.field(referenceName(expr.field).toLowerCase());
      const left = (Array.isArray(raw) ? raw.join(' ') : String(raw ?? '')).toLowerCase();
      const right = String(resolve(expr.value, 'string', env) ?? '').toLowerCase();
      const found = expr.words ? new RegExp(`(^|[^a-z0-9])${right.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(left) : left.includes(right);
      return expr.negated ? !found : found;
    }
    case 'empty': {
      const value = env.field(referenceName(expr.field).toLowerCase());
      const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
      return expr.negated ? !empty : empty;
    }
  }
}

/** Equality on `[System.TeamProject]` in the top-level AND chain: lets evaluation skip other projects. */
export function projectRestriction(expr: WiqlExpr | undefined, resolveMacro: (name: string) => string | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'and') return projectRestriction(expr.left, resolveMacro) ?? projectRestriction(expr.right, resolveMacro);
  if (expr.kind === 'compare' && expr.op === '=' && referenceName(expr.field).toLowerCase() === 'system.teamproject') {
    if (expr.value.kind === 'string') return expr.value.value;
    if (expr.value.kind === 'macro' && expr.value.name === 'project') return resolveMacro('project');
  }
  return undefined;
}
