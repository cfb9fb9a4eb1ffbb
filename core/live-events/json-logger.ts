/**
 * Structured logs for a long-running service: one JSON object per line (time, level, msg, fields),
 * which container platforms and log collectors parse as is. Every line passes through the
 * redactor, so a secret that reaches a message or a field (an error quoting a URL, say) is
 * replaced before it is written.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface ReceiverLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Redacts this value (and its JSON-escaped form) from every later line. */
  addSecret(secret: string): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export class JsonLogger implements ReceiverLogger {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly options: { level: LogLevel; secrets?: readonly string[]; now?: () => Date } = { level: 'info' },
  ) {
    for (const secret of options.secrets ?? []) this.addSecret(secret);
  }

  addSecret(secret: string): void {
    // Very short values would blank ordinary words; they are no secret anyway.
    if (secret.length < 4) return;
    this.secrets.add(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.secrets.add(escaped);
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (RANK[level] < RANK[this.options.level]) return;
    const time = (this.options.now ?? (() => new Date()))().toISOString();
    const { time: _t, level: _l, msg: _m, ...rest } = fields;
    let line = JSON.stringify({ time, level, msg: message, ...rest }, (_key, value: unknown) => (value instanceof Error ? value.message : value));
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) line = line.split(secret).join('***');
    this.out.write(`${line}\n`);
  }
}
