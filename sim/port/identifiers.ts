/**
 * Identifier rules from Port's OpenAPI spec (port-api-and-ocean-core.md §5.1 and §6).
 * Entities allow `=`; blueprints do not; property, relation and calculated-property ids are ASCII.
 */
export const ENTITY_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$/u;
export const ENTITY_IDENTIFIER_MAX = 1000;
export const BLUEPRINT_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$/u;
export const BLUEPRINT_IDENTIFIER_MAX = 100;
export const PROPERTY_IDENTIFIER = /^[A-Za-z0-9@_=-]+$/;
export const PROPERTY_IDENTIFIER_MAX = 100;

export function isEntityIdentifier(value: string): boolean {
  return value.length <= ENTITY_IDENTIFIER_MAX && ENTITY_IDENTIFIER.test(value);
}
