/**
 * Reading the command line, for `sync`, `webhooks` and `receive`: node's parseArgs (strict) for
 * the options that take values, and two things it cannot do:
 *
 * - Switches (boolean options) take `--name`, `--name=true`, `--name=false` and `--no-name`, the
 *   last one wins. Some settings default to true (`--projects-limited`), so turning one off must
 *   work. Done here rather than with parseArgs' `allowNegative`, which needs Node 20.16 and reads
 *   our own `--no-progress` as "progress: false".
 * - Flags people try for secrets (`--pat`, `--port-client-secret`, …) are taken out, value and
 *   all, and handed to the flags layer, which refuses them with the variable to use instead, next
 *   to every other configuration problem. parseArgs would only say "Unknown option".
 */
import { parseArgs } from 'node:util';
import { isSecretFlag, suggestFlag, type FlagValue } from '../core/config';

export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export type CommandLine = { ok: true; values: Record<string, FlagValue>; positionals: string[] } | { ok: false; message: string };

export function parseCommandLine(argv: readonly string[], options: OptionSpecs, settings: { allowPositionals: boolean }): CommandLine {
  const rest: string[] = [];
  const taken: Record<string, FlagValue> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const match = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) {
      rest.push(arg);
      continue;
    }
    const name = match[1] ?? '';
    const inline = match[2];
    if (isSecretFlag(name) && options[name] === undefined) {
      // The value goes along only to be kept out of every message; a missing one is still refused.
      const next = argv[i + 1];
      if (inline !== undefined) taken[name] = inline;
      else if (next !== undefined && !next.startsWith('--')) taken[name] = argv[++i];
      else taken[name] = true;
      continue;
    }
    if (options[name]?.type === 'boolean') {
      if (inline === undefined) {
        taken[name] = true;
        continue;
      }
      const truth = parseTruth(inline);
      if (truth === undefined) return { ok: false, message: `--${name} is a switch: give it alone, as --${name}=true or --${name}=false, or turn it off with --no-${name}.` };
      taken[name] = truth;
      continue;
    }
    const positive = name.startsWith('no-') ? name.slice(3) : undefined;
    if (positive !== undefined && options[name] === undefined && options[positive]?.type === 'boolean') {
      if (inline !== undefined) return { ok: false, message: `--${name} takes no value: give it alone, or use --${positive}=true or --${positive}=false.` };
      taken[positive] = false;
      continue;
    }
    rest.push(arg);
  }

  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: settings.allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '--?([^'=]+)'/.exec(message)?.[1];
    return { ok: false, message: unknown ? `Unknown option --${unknown}.${suggestFlag(unknown)}` : message };
  }
  return { ok: true, values: { ...(parsed.values as Record<string, FlagValue>), ...taken }, positionals: parsed.positionals };
}

function parseTruth(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}

type OptionRow = readonly [option: string, description: string];

/**
 * The options part of --help: one row per option, the descriptions in one column after the
 * longest option (of `alignWith` too, when the help has several groups of options).
 */
export function optionRows(rows: readonly OptionRow[], alignWith: readonly OptionRow[] = []): string {
  const width = Math.max(...[...rows, ...alignWith].map(([option]) => option.length)) + 2;
  return rows.map(([option, description]) => `  ${option.padEnd(width)}${description}`.trimEnd()).join('\n');
}
