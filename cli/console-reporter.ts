import type { Location, RunReporter } from '../core/sync/reporter';

export type ConsoleOptions = {
  /** Where log lines go (stderr): stdout carries the summary. */
  stream: NodeJS.WriteStream;
  debug: boolean;
  /** Replaces every secret in a line before it is written. */
  mask: (text: string) => string;
  /** A live progress line on a terminal; periodic lines in CI logs. */
  interactive: boolean;
  /** CI logs: at most one progress line per this many milliseconds. */
  progressEveryMs?: number;
};

/** The CLI's reporter: plain lines, a live progress line on terminals, nothing a secret can hide in. */
export class ConsoleReporter implements RunReporter {
  private lastProgressAt = 0;
  private liveLine = false;

  private debugShown: boolean;

  constructor(private readonly options: ConsoleOptions) {
    this.debugShown = options.debug;
  }

  showDebug(): void {
    this.debugShown = true;
  }

  info(message: string): void {
    this.write(message);
  }
  warn(message: string, location?: Location): void {
    this.write(`warning: ${where(location)}${message}`);
  }
  error(message: string, location?: Location): void {
    this.write(`error: ${where(location)}${message}`);
  }
  debug(message: string): void {
    if (this.debugShown) this.write(`debug: ${message}`);
  }
  progress(fraction: number, text: string): void {
    const line = `[${String(Math.round(fraction * 100)).padStart(3)}%] ${text}`;
    if (this.options.interactive) {
      this.options.stream.write(`\r\x1b[2K${this.options.mask(line)}`);
      this.liveLine = true;
      return;
    }
    const now = Date.now();
    if (fraction >= 1 || now - this.lastProgressAt >= (this.options.progressEveryMs ?? 10_000)) {
      this.lastProgressAt = now;
      this.write(line);
    }
  }
  async section<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.debug(`begin ${title}`);
    return body();
  }
  /** Ends a live progress line so the next output starts on a clean line. */
  finish(): void {
    if (this.liveLine) this.options.stream.write('\r\x1b[2K');
    this.liveLine = false;
  }

  private write(line: string): void {
    if (this.liveLine) {
      this.options.stream.write('\r\x1b[2K');
      this.liveLine = false;
    }
    this.options.stream.write(`${this.options.mask(line)}\n`);
  }
}

function where(location: Location | undefined): string {
  if (!location?.file) return '';
  return `${location.file}${location.line ? `:${location.line}${location.column ? `:${location.column}` : ''}` : ''}: `;
}
