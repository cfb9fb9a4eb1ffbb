import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Loads the official Azure DevOps REST specs (Swagger 2.0; azure-devops-api.md §1) and turns them
 * into validators for the simulator's responses. Oracle rules, from §1.4 and §1.7:
 * - files start with a UTF-8 BOM: strip it;
 * - lists are declared as arrays but sent as `{count, value}`: validate `value` items;
 * - `additionalProperties` is read loosely (the specs omit many real fields, and declare maps whose
 *   values do not match), and `null` counts as "absent" (the specs cannot say nullable, the wire
 *   sends null);
 * - example `$ref`s differ in case from the files: resolve them case-insensitively.
 */

export const SPEC_ROOT = '/work/shared/reference/azure-devops-rest-specs';

type SchemaObject = Record<string, unknown>;

export interface SpecFile {
  file: string;
  doc: {
    host?: string;
    paths?: Record<string, Record<string, OperationObject>>;
    'x-ms-paths'?: Record<string, Record<string, OperationObject>>;
    definitions?: Record<string, SchemaObject>;
    parameters?: Record<string, SchemaObject>;
  };
}

export interface OperationObject {
  operationId?: string;
  responses?: Record<string, { schema?: SchemaObject; headers?: Record<string, unknown> }>;
  'x-ms-examples'?: Record<string, { $ref: string }>;
  parameters?: SchemaObject[];
}

export interface SpecOperation {
  file: SpecFile;
  method: string;
  path: string;
  operation: OperationObject;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'httpExamples' && !name.startsWith('azure-devops-server')) out.push(...walk(path));
    } else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
}

export function loadSpecs(): SpecFile[] {
  return walk(SPEC_ROOT).map((path) => ({ file: relative(SPEC_ROOT, path), doc: readJson(path) as SpecFile['doc'] }));
}

/** `git/repositories/{repositoryId}/refs` → `git/repositories/{}/refs` (lower-case literals). */
export function normalizeSuffix(path: string): string {
  const suffix = path.includes('/_apis/') ? (path.split('/_apis/')[1] ?? '') : path;
  return suffix
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith('{') ? '{}' : s.toLowerCase()))
    .join('/');
}

export function indexOperations(specs: SpecFile[]): Map<string, SpecOperation[]> {
  const index = new Map<string, SpecOperation[]>();
  for (const file of specs) {
    for (const [path, ops] of Object.entries({ ...(file.doc.paths ?? {}), ...(file.doc['x-ms-paths'] ?? {}) })) {
      for (const [method, operation] of Object.entries(ops)) {
        if (typeof operation !== 'object' || !operation.responses) continue;
        const key = `${method.toUpperCase()} ${normalizeSuffix(path)}`;
        const list = index.get(key) ?? [];
        list.push({ file, method: method.toUpperCase(), path, operation });
        index.set(key, list);
      }
    }
  }
  return index;
}

/** Removes what the oracle reads loosely: additionalProperties, vendor extensions, discriminators. */
function loosen(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(loosen);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema as SchemaObject)) {
    if (key === 'additionalProperties' || key === 'discriminator' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace(/^#\/definitions\//, '#/definitions/');
      continue;
    }
    out[key] = loosen(value);
  }
  // `format: JObject/JToken` and a bare `type: object` stand for "any JSON value" (Newtonsoft
  // JObject, System.Object): the property-value example shows strings where `object` is declared.
  if (typeof out.format === 'string' && /^(J(Object|Token|Array)|T)$/.test(out.format)) {
    delete out.type;
    delete out.format;
  }
  // byte[] goes over the wire as a base64 string; the spec declares an array of byte strings.
  const originalItems = (schema as SchemaObject).items;
  if (out.type === 'array' && typeof originalItems === 'object' && originalItems !== null && (originalItems as SchemaObject).format === 'byte') return { anyOf: [{ type: 'string' }, out] };
  // A C# byte property (Subscription.probationRetries) is declared string/byte but sent as a number (examples).
  if (out.type === 'string' && out.format === 'byte') return { anyOf: [{ type: 'integer' }, out] };
  if (out.type === 'object' && out.properties === undefined && out.allOf === undefined && out.$ref === undefined && out.items === undefined) delete out.type;
  return out;
}

/** Deep copy without null members (and without null array items). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly added = new Set<string>();
  private readonly identityDescriptorAsString: boolean;

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    // IdentityDescriptor has a JSON converter: the wire carries "type;identifier" strings (every
    // identities example shows it so), while the spec declares an object.
    this.identityDescriptorAsString = true;
    addFormats(this.ajv);
    // .NET writes a DateTime of unspecified kind without a zone: the release 7.1 deployments example
    // answers `queuedOn: "0001-01-01T00:00:00"` (DateTime.MinValue). ajv-formats would require one.
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/i);
    for (const format of ['int32', 'int64', 'double', 'float', 'byte', 'Stream', 'stream', 'binary', 'decimal']) this.ajv.addFormat(format, true);
  }

  /** A validator for a response schema of an operation (array schemas validate list items). */
  forResponse(op: SpecOperation): { validate: ValidateFunction; isList: boolean; itemName: string } | undefined {
    const schema = op.operation.responses?.['200']?.schema ?? op.operation.responses?.['201']?.schema;
    if (!schema) return undefined;
    const isList = schema.type === 'array';
    const target = (isList ? (schema.items as SchemaObject | undefined) : schema) ?? {};
    const id = `spec:${op.file.file}`;
    if (!this.added.has(id)) {
      const definitions = loosen(op.file.doc.definitions ?? {}) as Record<string, SchemaObject>;
      if (this.identityDescriptorAsString && definitions.IdentityDescriptor) definitions.IdentityDescriptor = { anyOf: [{ type: 'string' }, definitions.IdentityDescriptor] };
      this.ajv.addSchema({ $id: id, definitions });
      this.added.add(id);
    }
    const ref = typeof target.$ref === 'string' ? `${id}${target.$ref}` : undefined;
    const validate = ref ? this.ajv.compile({ $ref: ref }) : this.ajv.compile(loosen(target) as SchemaObject);
    return { validate, isList, itemName: ref?.split('/').pop() ?? (typeof target.type === 'string' ? target.type : 'inline') };
  }

  errorsText(validate: ValidateFunction): string {
    return this.ajv.errorsText(validate.errors, { separator: '\n' });
  }
}

/** Resolves an `x-ms-examples` `$ref` case-insensitively from the spec file's folder. */
export function resolveExample(specFile: string, ref: string): string | undefined {
  const base = join(SPEC_ROOT, specFile, '..');
  let current = base;
  for (const part of ref.replace(/^\.\//, '').split('/')) {
    if (part === '.' || part === '') continue;
    const entries = readdirSync(current);
    const match = entries.find((e) => e === part) ?? entries.find((e) => e.toLowerCase() === part.toLowerCase());
    if (!match) return undefined;
    current = join(current, match);
  }
  return current;
}
