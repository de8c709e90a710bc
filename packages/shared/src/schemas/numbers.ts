import { Type, type TInteger, type TNumber, type TNumberOptions } from 'typebox';

/** Largest value of a PostgreSQL `integer` (the `Id()` of most tables). */
export const INT32_MAX = 2_147_483_647;

/** What a bounded number may carry besides its bounds (default, description, …). */
export type BoundedOptions = Omit<
  TNumberOptions,
  'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum' | 'allOf'
>;

function checkBounds(kind: 'integer' | 'number', minimum: number, maximum: number): void {
  const ok =
    kind === 'integer'
      ? Number.isSafeInteger(minimum) && Number.isSafeInteger(maximum)
      : Number.isFinite(minimum) && Number.isFinite(maximum);
  if (!ok || minimum > maximum) throw new RangeError(`bad ${kind} bounds [${minimum}, ${maximum}]`);
}

/*
 * Why the inner `allOf` type check: with type coercion on (as Fastify validates query strings,
 * path parameters and bodies), Ajv turns the strings "Infinity", "-Infinity" and any numeral too
 * long for a double ("1e309", 400 nines) into ±Infinity, and then skips `minimum` and `maximum`,
 * which it applies to finite numbers only (ajv#2212, fastify#6718): "?page=Infinity" went through
 * a `maximum: 100000`. The subschema is checked again on the coerced value, where a non-finite
 * number fails the type. A JSON body number out of double range (1e309) already fails the outer
 * type check.
 */

/** An integer in [minimum, maximum], both finite: every integer a request carries is one. */
export function Int(minimum: number, maximum: number, options: BoundedOptions = {}): TInteger {
  checkBounds('integer', minimum, maximum);
  return Type.Integer({ ...options, minimum, maximum, allOf: [{ type: 'integer' }] });
}

/** A number in [minimum, maximum], both finite: every number a request carries is one. */
export function Num(minimum: number, maximum: number, options: BoundedOptions = {}): TNumber {
  checkBounds('number', minimum, maximum);
  return Type.Number({ ...options, minimum, maximum, allOf: [{ type: 'number' }] });
}

/** A database id: a positive 32-bit integer. */
export const Id = (options: BoundedOptions = {}) => Int(1, INT32_MAX, options);

/** The id of a `bigint` row (cases, their photos, the outbox, the inbox): up to 2^53 − 1. */
export const BigId = (options: BoundedOptions = {}) => Int(1, Number.MAX_SAFE_INTEGER, options);

/** A longitude in degrees. */
export const Longitude = (options: BoundedOptions = {}) => Num(-180, 180, options);

/** A latitude in degrees. */
export const Latitude = (options: BoundedOptions = {}) => Num(-90, 90, options);
