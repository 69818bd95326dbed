/** Input conversion for chart builders beyond plain numbers (categories, time axes). */
import pl from "nodejs-polars";
import type { Series } from "nodejs-polars";
import { toFiniteNumbers, type NumericInput } from "../eda/numeric-input";

/** A category label: class ids, group names, flags. */
export type Category = string | number | boolean;

/** Category labels as an array or a nodejs-polars Series. */
export type CategoryInput = ArrayLike<Category> | Series;

/** Values for a chart's x axis: numbers, or Dates for a time axis. */
export type AxisInput = ArrayLike<number> | ArrayLike<Date> | Series;

function asArrayLike(values: unknown, context: string): ArrayLike<unknown> {
  if (pl.Series.isSeries(values)) return values.toArray();
  if (values === null || values === undefined || typeof (values as ArrayLike<unknown>).length !== "number" || typeof values === "string") {
    throw new TypeError(`${context}: expected an array or a Series, got ${values === null ? "null" : typeof values}`);
  }
  return values as ArrayLike<unknown>;
}

/** Validated category labels; null, undefined, NaN and objects are rejected with their index. */
export function toCategories(values: CategoryInput, context: string): Category[] {
  const items = asArrayLike(values, context);
  if (items.length === 0) throw new RangeError(`${context}: input is empty`);
  return Array.from(items, (value, index) => {
    if (typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "bigint") return Number(value);
    throw new TypeError(
      `${context}: value at index ${index} is ${value === null ? "null" : String(value)}; expected a string, finite number or boolean`,
    );
  });
}

/**
 * x values as numbers: Dates become epoch milliseconds. Returns whether the
 * input held Dates so the caller can pick a time axis.
 */
export function toAxisValues(values: AxisInput, context: string): { values: Float64Array; dates: boolean } {
  const items = asArrayLike(values, context);
  if (items.length > 0 && items[0] instanceof Date) {
    const out = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const time = item instanceof Date ? item.getTime() : NaN;
      if (!Number.isFinite(time)) {
        throw new TypeError(`${context}: value at index ${i} is ${item === null ? "null" : String(item)}; expected a valid Date`);
      }
      out[i] = time;
    }
    return { values: out, dates: true };
  }
  return { values: toFiniteNumbers(items as NumericInput, context), dates: false };
}

/** Throws unless `length` matches the reference length, naming both arguments. */
export function checkSameLength(
  context: string,
  reference: { name: string; length: number },
  other: { name: string; length: number },
): void {
  if (reference.length !== other.length) {
    throw new RangeError(
      `${context}: ${other.name} has ${other.length} values but ${reference.name} has ${reference.length}; they must have the same length`,
    );
  }
}
