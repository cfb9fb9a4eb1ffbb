/** The item must be evaluated in jq (jq raises an error, or this subset cannot be sure of jq's value). */
export const FAILS: unique symbol = Symbol('evaluate in jq');

/** No output (from `select`). */
export const EMPTY: unique symbol = Symbol('no output');

/** What evaluating a node gives: a value, {@link EMPTY} or {@link FAILS}. */
export type Out = unknown;
