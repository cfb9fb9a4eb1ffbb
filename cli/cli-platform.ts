import type { Outcome, Platform, RunOutputs } from '../core/platform';
import type { Location } from '../core/sync/reporter';
import { ConsoleReporter } from './console-reporter';

/** The CLI as a platform: logs on stderr, the summary on stdout, secrets masked in both. */
export class CliPlatform implements Platform {
  private readonly secrets = new Set<string>();
  /** Errors already on stderr: a completion line repeating one is left out. */
  private readonly errorsShown = new Set<string>();
  private readonly reporter: ConsoleReporter;
  outcome: Outcome | undefined;

  constructor(
    private readonly streams: { out: NodeJS.WriteStream; err: NodeJS.WriteStream },
    options: { debug: boolean; interactive: boolean },
  ) {
    this.reporter = new ConsoleReporter({ stream: streams.err, debug: options.debug, interactive: options.interactive, mask: (t) => this.mask(t) });
  }

  mask(text: string): string {
    let out = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }

  setSecret(value: string): void {
    // Very short values would mask ordinary words everywhere; they are no secret anyway.
    if (value.length >= 4) this.secrets.add(value);
  }
  info(message: string): void {
    this.reporter.info(message);
  }
  warn(message: string, location?: Location): void {
    this.reporter.warn(message, location);
  }
  error(message: string, location?: Location): void {
    this.errorsShown.add(message);
    this.reporter.error(message, location);
  }
  debug(message: string): void {
    this.reporter.debug(message);
  }
  showDebug(): void {
    this.reporter.showDebug();
  }
  progress(fraction: number, text: string): void {
    this.reporter.progress(fraction, text);
  }
  section<T>(title: string, body: () => Promise<T>): Promise<T> {
    return this.reporter.section(title, body);
  }
  async publishSummary(_markdown: string, text: string): Promise<void> {
    this.reporter.finish();
    this.streams.out.write(`${this.mask(text)}\n`);
  }
  setOutputs(_outputs: RunOutputs): void {}
  complete(outcome: Outcome, message: string): void {
    this.reporter.finish();
    this.outcome = outcome;
    if (outcome !== 'success' && !this.errorsShown.has(message)) this.streams.err.write(`${this.mask(message)}\n`);
  }
}
