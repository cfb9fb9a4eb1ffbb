import { errors } from './errors';

/**
 * Query parameters, matched case-insensitively as Azure DevOps does (`$top`, `$TOP` and `$Top`
 * are the same parameter).
 */
export class QueryParams {
  private readonly values = new Map<string, string[]>();

  constructor(search: URLSearchParams) {
    for (const [key, value] of search) {
      const lower = key.toLowerCase();
      const list = this.values.get(lower) ?? [];
      list.push(value);
      this.values.set(lower, list);
    }
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  /** Comma-separated or repeated values, trimmed, empties dropped. */
  list(name: string): string[] {
    return (this.values.get(name.toLowerCase()) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }

  int(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw.trim())) throw errors.badRequest(`The value '${raw}' is not valid for ${name}.`, 'InvalidArgumentValueException');
    return Number(raw);
  }

  bool(name: string): boolean | undefined {
    const raw = this.get(name);
    if (raw === undefined || raw === '') return undefined;
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw errors.badRequest(`The value '${raw}' is not valid for ${name}.`, 'InvalidArgumentValueException');
  }

  date(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined || raw === '') return undefined;
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw errors.badRequest(`The value '${raw}' is not a valid date for ${name}.`, 'InvalidArgumentValueException');
    return ms;
  }
}
