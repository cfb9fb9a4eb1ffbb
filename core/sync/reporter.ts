/** Where a problem is, when it is in a file the user wrote. */
export type Location = { file?: string; line?: number; column?: number };

/**
 * The platform side of a run: each front door (CLI, Azure Pipelines task, GitHub Action) implements
 * it with its own logging commands, so the engine never knows which one it runs under.
 */
export interface RunReporter {
  info(message: string): void;
  warn(message: string, location?: Location): void;
  error(message: string, location?: Location): void;
  debug(message: string): void;
  /** Overall progress, 0..1, with a short description of the current step. */
  progress(fraction: number, text: string): void;
  /** A section of the log (a kind); wrappers may fold it. */
  section<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** A reporter that keeps everything, for tests and for embedding. */
export class MemoryReporter implements RunReporter {
  readonly lines: { level: 'info' | 'warn' | 'error' | 'debug' | 'progress'; message: string; location?: Location }[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string, location?: Location): void {
    this.lines.push({ level: 'warn', message, ...(location ? { location } : {}) });
  }
  error(message: string, location?: Location): void {
    this.lines.push({ level: 'error', message, ...(location ? { location } : {}) });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  progress(fraction: number, text: string): void {
    this.lines.push({ level: 'progress', message: `${Math.round(fraction * 100)}% ${text}` });
  }
  async section<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'info', message: `== ${title}` });
    return body();
  }
}
