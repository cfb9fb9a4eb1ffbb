/**
 * A layer is what one front door said: a value (or a rejected value) per setting, each with the
 * label of where it came from, plus the problems and warnings found while reading it. Builders
 * never throw; `resolveConfig` merges layers by precedence and reports everything at once.
 */
import type { ConfigProblem, ConfigWarning } from './problems';
import { settingDefinition, validateSettingValue, type SettingPath } from './settings';
import type { TextParse } from './text-values';

/** Precedence: explicit input/flag > config file > environment > wrapper-provided fallbacks. */
export type LayerKind = 'fallback' | 'environment' | 'file' | 'flags' | 'inputs';

export const LAYER_PRECEDENCE: Readonly<Record<LayerKind, number>> = {
  fallback: 0,
  environment: 1,
  file: 2,
  flags: 3,
  inputs: 3,
};

export interface LayerEntry {
  readonly setting: SettingPath;
  /** e.g. `environment variable OCEAN__PORT__CLIENT_ID`, `port-ado-sync.yml:12:3 (azureDevOps.organizationUrl)`. */
  readonly source: string;
  /** The validated, normalized value, or why it was rejected. */
  readonly result: TextParse<unknown>;
  /** Position among this layer's entries and problems, so they are reported in reading order. */
  readonly order: number;
}

export interface LayerProblem extends ConfigProblem {
  readonly order: number;
}

export interface ConfigLayer {
  readonly kind: LayerKind;
  readonly entries: readonly LayerEntry[];
  /** Problems not tied to one setting's value: syntax errors, unknown keys, refused flags. */
  readonly problems: readonly LayerProblem[];
  /**
   * The front door could not be read at all (a YAML syntax error): settings it may have set are
   * unknown, so "missing" messages would be noise until it is fixed.
   */
  readonly incomplete: boolean;
  readonly warnings: readonly ConfigWarning[];
  /** Every secret text this layer saw, valid or not, so no message can repeat it. */
  readonly secretTexts: readonly string[];
  /** How a user sets this setting through this front door (for "missing" messages), if they can. */
  howToSet(setting: SettingPath): string | undefined;
}

export class LayerBuilder {
  private readonly entries = new Map<SettingPath, LayerEntry>();
  private readonly problems: LayerProblem[] = [];
  private readonly warnings: ConfigWarning[] = [];
  private readonly secretTexts: string[] = [];
  private order = 0;
  private incomplete = false;

  constructor(private readonly kind: LayerKind) {}

  /**
   * Records one value. `raw` is the text as the user gave it, kept for redaction when the setting
   * is secret. Two values for the same setting in one front door is a conflict, not a silent pick.
   */
  set(setting: SettingPath, source: string, candidate: TextParse<unknown>, raw?: unknown): void {
    if (settingDefinition(setting).secret) {
      // A parsed header map says which of its values are secret; its raw text also holds the
      // header names, which are not, and would be masked out of every message naming them.
      const structured = candidate.ok && typeof candidate.value === 'object' && candidate.value !== null;
      this.noteSecret(structured ? secretStringsIn(candidate.value) : (raw ?? (candidate.ok ? secretStringsIn(candidate.value) : undefined)));
    }
    const existing = this.entries.get(setting);
    if (existing) {
      this.problem(source, `sets the ${settingDefinition(setting).title} again (already set by ${existing.source}); keep only one`);
      return;
    }
    const result = candidate.ok ? validateSettingValue(setting, candidate.value) : candidate;
    this.entries.set(setting, { setting, source, result, order: this.order++ });
  }

  has(setting: SettingPath): boolean {
    return this.entries.has(setting);
  }

  problem(source: string | undefined, message: string): void {
    const order = this.order++;
    this.problems.push(source === undefined ? { message, order } : { source, message, order });
  }

  markIncomplete(): void {
    this.incomplete = true;
  }

  warn(source: string | undefined, message: string): void {
    this.warnings.push(source === undefined ? { message } : { source, message });
  }

  /** Remembers secret texts (one or several) for redaction. */
  noteSecret(raw: unknown): void {
    if (typeof raw === 'string') {
      if (raw.trim().length > 0) this.secretTexts.push(raw, raw.trim());
      // A secret rejected for containing whitespace is usually two pasted things (or "Bearer <token>"):
      // each part may be the real secret and may show up elsewhere. Short parts are words, not secrets.
      for (const part of raw.split(/\s+/)) {
        if (part.length >= 8 && part !== raw.trim()) this.secretTexts.push(part);
      }
    } else if (Array.isArray(raw)) {
      for (const item of raw) this.noteSecret(item);
    }
  }

  build(howToSet: (setting: SettingPath) => string | undefined): ConfigLayer {
    return {
      kind: this.kind,
      entries: [...this.entries.values()],
      problems: [...this.problems],
      incomplete: this.incomplete,
      warnings: [...this.warnings],
      secretTexts: [...new Set(this.secretTexts)],
      howToSet,
    };
  }
}

/** The secret strings inside a candidate value of a secret setting: a token, secret header values, a URL. */
function secretStringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  if ('token' in value && typeof value.token === 'string') return [value.token];
  // Header maps: { name: { value, secret } }.
  return Object.values(value).flatMap((header: unknown) =>
    typeof header === 'object' && header !== null && 'value' in header && typeof header.value === 'string' && 'secret' in header && header.secret === true
      ? [header.value]
      : [],
  );
}
