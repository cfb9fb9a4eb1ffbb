/**
 * The config-file front door (`--config port-ado-sync.yml`). Keys mirror the model (camelCase,
 * nested) plus a few conveniences; `${VAR}` reads the environment so secrets need not be in the
 * file. Every problem carries `file:line:column`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { didYouMean } from './did-you-mean';
import { inlineMappingText } from './inline-mapping';
import { LayerBuilder, type ConfigLayer } from './layer';
import { absolutePath, looksLikeSecretHeader, TEXT_KEYS, type SettingPath, type TextContext, type TextKey } from './settings';
import type { TextParse } from './text-values';

type LeafKind = 'text' | 'boolean' | 'integer' | 'list';
type CustomKind = 'credential' | 'mapping' | 'headers';

type FileField =
  | { readonly leaf: LeafKind; readonly key: TextKey; readonly literalSecretWarning?: boolean }
  | { readonly custom: CustomKind; readonly setting: SettingPath }
  | { readonly section: FileSection };
interface FileSection {
  readonly [key: string]: FileField;
}

const text = (key: TextKey, literalSecretWarning = false): FileField => ({ leaf: 'text', key, literalSecretWarning });
const bool = (key: TextKey): FileField => ({ leaf: 'boolean', key });
const int = (key: TextKey): FileField => ({ leaf: 'integer', key });
const list = (key: TextKey): FileField => ({ leaf: 'list', key });

/** The accepted keys. Anything else is an error, with a suggestion when the key is close to one of these. */
const FILE_SHAPE: FileSection = {
  port: {
    section: {
      clientId: text('port.clientId'),
      clientSecret: text('port.clientSecret', true),
      baseUrl: text('port.baseUrl'),
      region: text('port.region'),
    },
  },
  integration: { section: { identifier: text('integration.identifier'), type: text('integration.type') } },
  azureDevOps: {
    section: {
      organizationUrl: text('azureDevOps.organizationUrl'),
      personalAccessToken: text('azureDevOps.personalAccessToken', true),
      bearerToken: text('azureDevOps.bearerToken', true),
      credential: { custom: 'credential', setting: 'azureDevOps.credential' },
      isProjectsLimited: bool('azureDevOps.isProjectsLimited'),
      excludedTags: list('azureDevOps.excludedTags'),
    },
  },
  mapping: { custom: 'mapping', setting: 'mapping' },
  initializePortResources: bool('initializePortResources'),
  sendRawDataExamples: bool('sendRawDataExamples'),
  scheduledResyncIntervalMinutes: int('scheduledResyncIntervalMinutes'),
  mode: text('mode'),
  incremental: { section: { overlapMinutes: int('incremental.overlapMinutes'), lookBackDays: int('incremental.lookBackDays'), unfilteredKinds: text('incremental.unfilteredKinds'), unfilteredMaxAgeMinutes: int('incremental.unfilteredMaxAgeMinutes') } },
  filters: { section: { kinds: list('filters.kinds'), projects: list('filters.projects') } },
  webhooks: {
    section: {
      register: bool('webhooks.register'),
      baseUrl: text('webhooks.baseUrl'),
      secret: text('webhooks.secret', true),
      username: text('webhooks.username'),
      events: list('webhooks.events'),
      includeReleaseEvents: bool('webhooks.includeReleaseEvents'),
      prune: bool('webhooks.prune'),
      allowUnauthenticated: bool('webhooks.allowUnauthenticated'),
      headers: { custom: 'headers', setting: 'webhooks.headers' },
    },
  },
  network: {
    section: {
      timeoutSeconds: int('network.timeoutSeconds'),
      proxyUrl: text('network.proxyUrl'),
      noProxy: list('network.noProxy'),
      caFile: text('network.caFile'),
      rejectUnauthorized: bool('network.rejectUnauthorized'),
    },
  },
  summaryPath: text('summaryPath'),
  shard: text('shard'),
  logLevel: text('logLevel'),
};

export interface ConfigFileOptions {
  /** Read for `${VAR}` references. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How the file is named in messages; defaults to the path as given. */
  readonly displayPath?: string;
}

/** Reads and parses the file; a missing or unreadable file is a problem of the layer, not an exception. */
export function layerFromConfigFile(path: string, options: ConfigFileOptions): ConfigLayer {
  const displayPath = options.displayPath ?? path;
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const builder = new LayerBuilder('file');
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    builder.problem(`config file ${displayPath}`, `${reason}; check the --config path`);
    return builder.build(fileHint(displayPath));
  }
  return parseConfigFile(source, { ...options, displayPath, baseDir: dirname(resolvePath(path)) });
}

/**
 * A stand-in for "no config file was given": contributes nothing, but lets "missing value"
 * messages mention the config file as one way to set it.
 */
export function absentConfigFileLayer(): ConfigLayer {
  return new LayerBuilder('file').build(fileHint(undefined));
}

export function parseConfigFile(source: string, options: ConfigFileOptions & { displayPath: string; baseDir: string }): ConfigLayer {
  const builder = new LayerBuilder('file');
  const lineCounter = new LineCounter();
  // A byte-order mark is common in files saved by Windows editors.
  const text = source.replace(/^\uFEFF/, '');
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, keyPath?: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${options.displayPath}:${line}:${col}${keyPath ? ` (${keyPath})` : ''}`;
  };

  if (doc.errors.length > 0) {
    // yaml's pretty messages quote the offending source line, which may hold a secret: keep the first sentence.
    for (const error of doc.errors) builder.problem(at(error.pos[0]), `invalid YAML: ${error.message.split('\n')[0] ?? error.code}`);
    builder.markIncomplete();
    return builder.build(fileHint(options.displayPath));
  }
  const walker = new FileWalker({ text, name: options.displayPath }, doc, builder, at, options.env, { baseDir: options.baseDir });
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    builder.warn(`config file ${options.displayPath}`, 'is empty');
  } else if (!isMap(root)) {
    builder.problem(at(root.range?.[0] ?? 0), 'the config file must be a map of settings (key: value), e.g. port:, azureDevOps:');
  } else {
    walker.section(root.items, FILE_SHAPE, []);
  }
  return builder.build(fileHint(options.displayPath));
}

function fileHint(displayPath: string | undefined) {
  const where = displayPath === undefined ? 'a config file (--config)' : displayPath;
  return (setting: SettingPath): string | undefined => {
    const keys = keysFor(setting, FILE_SHAPE, []);
    return keys.length === 0 ? undefined : `${keys.map((k) => `\`${k}\``).join(' or ')} in ${where}`;
  };
}

function keysFor(setting: SettingPath, shape: FileSection, prefix: string[]): string[] {
  return Object.entries(shape).flatMap(([key, field]) => {
    const path = [...prefix, key];
    if ('section' in field) return keysFor(setting, field.section, path);
    if ('custom' in field) return field.setting === setting && field.custom !== 'credential' ? [path.join('.')] : [];
    return TEXT_KEYS[field.key].setting === setting ? [path.join('.')] : [];
  });
}

type Interpolated = { ok: true; text: string; fromEnvironment: boolean } | { ok: false; message: string };
type FieldFailure = { source: string; message: string };
type SetSetting = (candidate: TextParse<unknown>, raw?: unknown, failureSource?: string) => void;

class FileWalker {
  constructor(
    /** The file's text and its name in messages: the inline mapping keeps both. */
    private readonly file: { text: string; name: string },
    private readonly doc: Document,
    private readonly builder: LayerBuilder,
    private readonly at: (offset: number, keyPath?: string) => string,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly context: TextContext,
  ) {}

  section(pairs: readonly Pair[], shape: FileSection, path: string[]): void {
    for (const pair of pairs) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const keyOffset = keyNode?.range?.[0] ?? 0;
      if (key === undefined) {
        this.builder.problem(this.at(keyOffset), 'keys must be plain names');
        continue;
      }
      const keyPath = [...path, key];
      const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (field === undefined) {
        const where = path.length === 0 ? 'at the top level' : `in ${path.join('.')}`;
        this.builder.problem(this.at(keyOffset, keyPath.join('.')), `unknown key '${key}' ${where}.${didYouMean(key, Object.keys(shape))}`);
        continue;
      }
      const value = this.resolveAlias(pair.value as Node | null);
      const source = this.at(value?.range?.[0] ?? keyOffset, keyPath.join('.'));
      if (value === null || (isScalar(value) && value.value === null)) continue; // `key:` with nothing: unset
      if ('section' in field) {
        if (!isMap(value)) this.builder.problem(source, `must be a map of settings (${Object.keys(field.section).join(', ')})`);
        else this.section(value.items, field.section, keyPath);
      } else if ('custom' in field) {
        const set: SetSetting = (candidate, raw, failureSource) => this.builder.set(field.setting, failureSource ?? source, candidate, raw);
        if (field.custom === 'mapping') this.mapping(value, set);
        else if (field.custom === 'credential') this.credential(value, source, keyPath, set);
        else this.headers(value, keyPath, set);
      } else {
        this.leaf(field, value, source);
      }
    }
  }

  private leaf(field: { leaf: LeafKind; key: TextKey; literalSecretWarning?: boolean }, node: Node, source: string): void {
    const binding = TEXT_KEYS[field.key];
    const set = (candidate: TextParse<unknown>, raw?: unknown) => this.builder.set(binding.setting, source, candidate, raw);
    if (isSeq(node)) {
      if (field.leaf !== 'list') return set({ ok: false, message: 'must be a single value, not a list' });
      const items: string[] = [];
      for (const item of node.items) {
        const resolved = this.resolveAlias(item as Node | null);
        if (!isScalar(resolved) || resolved.value === null) return set({ ok: false, message: 'every item of the list must be a single value' });
        const text = this.scalarText(resolved);
        if (!text.ok) return set(text);
        items.push(text.text);
      }
      return set({ ok: true, value: items });
    }
    if (!isScalar(node)) return set({ ok: false, message: `must be a single value, not a ${isMap(node) ? 'map' : 'collection'}` });
    if (field.leaf === 'boolean' && typeof node.value === 'boolean') return set({ ok: true, value: node.value });
    if (field.leaf === 'integer' && typeof node.value === 'number') return set({ ok: true, value: node.value });
    const text = this.scalarText(node);
    if (!text.ok) return set(text);
    if (field.literalSecretWarning && !text.fromEnvironment) this.warnClearText(source);
    set(binding.parse(text.text, this.context), text.text);
  }

  private credential(node: Node, source: string, keyPath: string[], set: SetSetting): void {
    if (!isMap(node)) return set({ ok: false, message: 'must be a map: { type: pat | bearer, token: ${VARIABLE} }' });
    const read = this.plainMap(node, ['type', 'token'], keyPath);
    if ('failure' in read) return set({ ok: false, message: read.failure.message }, undefined, read.failure.source);
    const { fields } = read;
    if (fields.token && !fields.token.fromEnvironment) this.warnClearText(source);
    set({ ok: true, value: { type: fields.type?.text, token: fields.token?.text } }, fields.token?.text);
  }

  /** `Name: value`, or `Name: { value, secret }` to say explicitly whether it is a secret. */
  private headers(node: Node, keyPath: string[], set: SetSetting): void {
    if (!isMap(node)) return set({ ok: false, message: 'must be a map of header names to values' });
    const headers: Record<string, { value: string; secret: boolean }> = {};
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = this.resolveAlias(pair.value as Node | null);
      let entry: { value: string; secret: boolean };
      if (isMap(value)) {
        const read = this.plainMap(value, ['value', 'secret'], [...keyPath, name]);
        if ('failure' in read) return set({ ok: false, message: read.failure.message }, undefined, read.failure.source);
        const { fields } = read;
        const secret = fields.secret === undefined ? undefined : parseSecretFlag(fields.secret.text);
        if (secret === undefined && fields.secret !== undefined) return set({ ok: false, message: `header ${name}: secret must be true or false` });
        entry = { value: fields.value?.text ?? '', secret: secret ?? (looksLikeSecretHeader(name) || fields.value?.fromEnvironment === true) };
      } else if (isScalar(value) && value.value !== null) {
        const text = this.scalarText(value);
        if (!text.ok) return set(text);
        // A value kept out of the file with ${VAR} was kept out for a reason.
        entry = { value: text.text, secret: looksLikeSecretHeader(name) || text.fromEnvironment };
      } else {
        return set({ ok: false, message: `header ${name}: the value must be text or { value, secret }` });
      }
      headers[name] = entry;
    }
    const secrets = Object.values(headers).flatMap((header) => (header.secret ? [header.value] : []));
    set({ ok: true, value: headers }, secrets);
  }

  /**
   * `mapping: ./port-app-config.yml` (relative to this file), `mapping: { inline: <mapping> }`, or
   * the model's own form `{ source: port | file | inline, path?, yaml? }`. The inline mapping is
   * not interpolated: it is jq and YAML for the mapping engine, not configuration.
   */
  private mapping(node: Node, set: SetSetting): void {
    if (isScalar(node)) {
      const text = this.scalarText(node);
      return set(text.ok ? TEXT_KEYS['mapping.path'].parse(text.text, this.context) : text);
    }
    if (!isMap(node)) return set({ ok: false, message: 'must be a file path or a map (inline: …)' });
    const keys = node.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
    if (keys.length === 1 && keys[0] === 'inline') {
      const inline = this.resolveAlias(node.items[0]?.value as Node | null);
      return set(inline === null ? { ok: false, message: 'inline must hold the mapping (resources: …) or a YAML string' } : this.inlineMapping(inline, 'mapping.inline'));
    }
    const read = this.plainMap(node, ['source', 'path', 'yaml'], ['mapping'], ['inline']);
    if ('failure' in read) return set({ ok: false, message: read.failure.message }, undefined, read.failure.source);
    const { fields } = read;
    const kind = fields.source?.text ?? (fields.path ? 'file' : fields.yaml ? 'inline' : undefined);
    const yamlNode = this.resolveAlias(node.get('yaml', true) as Node | null);
    // A `yaml:` changed by ${…} no longer matches its lines in the file.
    const inline = kind === 'inline' && isScalar(yamlNode) && yamlNode.value === fields.yaml?.text ? this.inlineMapping(yamlNode, 'mapping.yaml') : undefined;
    set({
      ok: true,
      value: {
        source: kind,
        ...(fields.path ? { path: absolutePath(fields.path.text, this.context) } : {}),
        ...(inline?.ok ? { yaml: inline.value.yaml, origin: inline.value.origin } : fields.yaml ? { yaml: fields.yaml.text } : {}),
      },
    });
  }

  /**
   * The mapping with the name its problems are reported under: the config file when its lines and
   * columns are the file's, else the file and key (lines then count from the text's first line).
   */
  private inlineMapping(node: Node, keyPath: string): TextParse<{ source: 'inline'; yaml: string; origin: string }> {
    const text = inlineMappingText(this.file.text, this.doc, node);
    if (!text.ok) return text;
    return { ok: true, value: { source: 'inline', yaml: text.yaml, origin: text.exact ? this.file.name : `${this.file.name} (${keyPath})` } };
  }

  /** A map of scalar fields, interpolated; the first unknown or malformed field is the failure. */
  private plainMap(
    node: Node,
    allowed: string[],
    keyPath: string[],
    alsoSuggest: string[] = [],
  ): { fields: Record<string, { text: string; fromEnvironment: boolean } | undefined> } | { failure: FieldFailure } {
    const out: Record<string, { text: string; fromEnvironment: boolean } | undefined> = {};
    if (!isMap(node)) return { failure: { source: this.at(node.range?.[0] ?? 0, keyPath.join('.')), message: 'must be a map' } };
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const fieldPath = [...keyPath, key].join('.');
      const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
      if (!allowed.includes(key)) {
        return { failure: { source: this.at(offset, fieldPath), message: `unknown key '${key}' in ${keyPath.join('.')}.${didYouMean(key, [...allowed, ...alsoSuggest])}` } };
      }
      const value = this.resolveAlias(pair.value as Node | null);
      if (!isScalar(value)) return { failure: { source: this.at(offset, fieldPath), message: 'must be a single value' } };
      const text = this.scalarText(value);
      if (!text.ok) return { failure: { source: this.at(value.range?.[0] ?? offset, fieldPath), message: text.message } };
      out[key] = { text: text.text, fromEnvironment: text.fromEnvironment };
    }
    return { fields: out };
  }

  /** The scalar as text (numbers keep their written form, so `007` stays `007`), with `${VAR}` replaced. */
  private scalarText(node: Scalar): Interpolated {
    if (typeof node.value !== 'string') return { ok: true, text: scalarSource(node), fromEnvironment: false };
    const result = interpolate(node.value, this.env);
    return result.ok ? { ok: true, text: result.text, fromEnvironment: result.references > 0 } : result;
  }

  private warnClearText(source: string): void {
    this.builder.warn(source, 'holds a secret in clear text; keep it out of the file with ${VARIABLE} and set that variable from your secret store');
  }

  private resolveAlias(node: Node | null): Node | null {
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? null) : node;
  }
}

function scalarSource(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

function parseSecretFlag(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}

/**
 * `${NAME}` is replaced by the variable's value, `${NAME:-fallback}` falls back when it is unset
 * or empty, `$${` is a literal `${`. A reference to an unset variable without fallback is an error:
 * silently sending an empty secret would fail later with a worse message.
 */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; text: string; references: number } | { ok: false; message: string } {
  let out = '';
  let references = 0;
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('$', index);
    if (start === -1) {
      out += text.slice(index);
      break;
    }
    out += text.slice(index, start);
    if (text.startsWith('$${', start)) {
      out += '${';
      index = start + 3;
      continue;
    }
    if (!text.startsWith('${', start)) {
      out += '$';
      index = start + 1;
      continue;
    }
    const end = text.indexOf('}', start);
    if (end === -1) return { ok: false, message: 'unterminated ${…} reference; write $${ for a literal ${' };
    const reference = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(text.slice(start + 2, end));
    if (!reference?.[1]) return { ok: false, message: 'a ${…} reference must name an environment variable, like ${PORT_CLIENT_SECRET}' };
    const name = reference[1];
    const value = env[name];
    references++;
    if (value !== undefined && (value !== '' || reference[2] === undefined)) {
      out += value;
    } else if (reference[2] !== undefined) {
      out += reference[2];
    } else {
      return { ok: false, message: `the environment variable ${name} (referenced as \${${name}}) is not set` };
    }
    index = end + 1;
  }
  return { ok: true, text: out, references };
}
