import { isJsonObject } from './json-object';

/**
 * The `id` of a nested reference in a raw item (`release`, `definition`, `repository`,
 * `projectReference`, `__build`…): a string or a number, or undefined when the value is no object
 * or its id is neither. Callers narrow further (`typeof id === 'number'`) where one type is meant.
 */
export function idOf(value: unknown): string | number | undefined {
  if (!isJsonObject(value)) return undefined;
  const id = value.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
