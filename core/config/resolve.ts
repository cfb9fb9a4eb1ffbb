/**
 * Merges the layers into one validated `SyncConfig`. Precedence is per setting, not per layer:
 * each setting takes the value of the highest-ranked layer that sets it (explicit input/flag >
 * config file > environment > wrapper fallback; between layers of equal rank, the later one).
 * Every problem of every layer is reported in one `ConfigError`, before anything touches the network.
 */
import { LAYER_PRECEDENCE, type ConfigLayer, type LayerEntry } from './layer';
import { syncConfigSchema, type SyncConfig } from './model';
import { ConfigError, redactSecrets, type ConfigProblem, type ConfigWarning } from './problems';
import { SETTING_PATHS, SETTINGS, type SettingPath } from './settings';

export interface ResolvedConfig {
  readonly config: SyncConfig;
  readonly warnings: readonly ConfigWarning[];
  /** Where each setting that was set came from (absent: the default applies). For `--debug` output. */
  readonly sources: Readonly<Partial<Record<SettingPath, string>>>;
}

/** @throws ConfigError with all problems found, secrets redacted. */
export function resolveConfig(layers: readonly ConfigLayer[]): ResolvedConfig {
  const ordered = layers
    .map((layer, index) => ({ layer, index }))
    .sort((a, b) => LAYER_PRECEDENCE[a.layer.kind] - LAYER_PRECEDENCE[b.layer.kind] || a.index - b.index)
    .map(({ layer }) => layer);
  const secrets = layers.flatMap((layer) => layer.secretTexts);
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];

  const winners = new Map<SettingPath, LayerEntry>();
  const overridden: LayerEntry[] = [];
  for (const layer of ordered) {
    for (const entry of layer.entries) {
      const previous = winners.get(entry.setting);
      if (previous) overridden.push(previous);
      winners.set(entry.setting, entry);
    }
  }

  // Reported layer by layer, so the problems of one front door read together.
  const input: Record<string, unknown> = {};
  const sources: Partial<Record<SettingPath, string>> = {};
  for (const layer of ordered) {
    warnings.push(...layer.warnings);
    const found: { order: number; problem: ConfigProblem }[] = layer.problems.map(({ order, ...problem }) => ({ order, problem }));
    for (const entry of layer.entries) {
      if (winners.get(entry.setting) !== entry) continue;
      if (!entry.result.ok) {
        found.push({ order: entry.order, problem: { source: entry.source, message: entry.result.message } });
        continue;
      }
      setAtPath(input, entry.setting, entry.result.value);
      sources[entry.setting] = entry.source;
    }
    problems.push(...found.sort((a, b) => a.order - b.order).map(({ problem }) => problem));
  }

  // A broken value that a more explicit source overrides cannot hurt this run, but it will bite
  // the next one that relies on it: say so without failing.
  for (const entry of overridden) {
    if (!entry.result.ok) {
      warnings.push({ source: entry.source, message: `${entry.result.message} (not used: ${winners.get(entry.setting)?.source} takes precedence)` });
    }
  }

  const incomplete = layers.some((layer) => layer.incomplete);
  for (const setting of SETTING_PATHS) {
    if (SETTINGS[setting].required && !winners.has(setting) && !incomplete) {
      problems.push({ message: `${capitalize(SETTINGS[setting].title)} is missing: set ${waysToSet(setting, ordered)}.` });
    }
  }

  checkWebhookSettings(winners, ordered, problems, warnings);

  if (problems.length === 0) {
    const parsed = syncConfigSchema.safeParse(input);
    if (parsed.success) {
      return { config: parsed.data, warnings: redactSecrets(warnings, secrets), sources };
    }
    // Each value already passed its own schema, so this only trips if the model and the catalogue
    // disagree; still report it as a configuration problem rather than crash.
    for (const issue of parsed.error.issues) problems.push({ source: issue.path.join('.'), message: issue.message });
  }
  throw new ConfigError(redactSecrets(problems, secrets), redactSecrets(warnings, secrets));
}

function checkWebhookSettings(
  winners: ReadonlyMap<SettingPath, LayerEntry>,
  layers: readonly ConfigLayer[],
  problems: ConfigProblem[],
  warnings: ConfigWarning[],
): void {
  const value = (setting: SettingPath) => {
    const result = winners.get(setting)?.result;
    return result?.ok ? result.value : undefined;
  };
  const register = winners.get('webhooks.register');
  if (value('webhooks.register') === true && register) {
    if (!winners.has('webhooks.baseUrl')) {
      problems.push({
        source: register.source,
        message: `registering webhooks needs the public URL of your webhook receiver: set ${waysToSet('webhooks.baseUrl', layers)}.`,
      });
    }
    if (!winners.has('webhooks.secret')) {
      // Only a warning: a first registration without a secret is allowed. Removing the credentials
      // of subscriptions that have them is refused at registration, once they are listed, unless
      // webhooks.allowUnauthenticated asks for it.
      const existing =
        value('webhooks.allowUnauthenticated') === true
          ? 'subscriptions that already have credentials lose them, as webhooks.allowUnauthenticated asks'
          : 'subscriptions that already have credentials are not changed: registration stops instead';
      warnings.push({
        source: register.source,
        message: `webhooks will be registered without Basic-auth credentials, so the receiver cannot tell Azure DevOps from anyone else (${existing}); set ${waysToSet('webhooks.secret', layers)}.`,
      });
    }
  }
  for (const setting of ['webhooks.prune', 'webhooks.allowUnauthenticated'] as const) {
    const entry = winners.get(setting);
    if (value(setting) === true && value('webhooks.register') !== true && entry) {
      warnings.push({ source: entry.source, message: 'has no effect unless webhook registration is turned on' });
    }
  }
}

/** "A, B, or C": every front door in use that can set this setting, least explicit first. */
function waysToSet(setting: SettingPath, layers: readonly ConfigLayer[]): string {
  const ways = [...new Set(layers.map((layer) => layer.howToSet(setting)).filter((way): way is string => way !== undefined))];
  if (ways.length === 0) return 'it in the configuration';
  if (ways.length === 1) return ways[0] ?? '';
  return `${ways.slice(0, -1).join(', ')}, or ${ways.at(-1)}`;
}

function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (typeof next === 'object' && next !== null ? next : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts.at(-1) ?? path] = value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
