/**
 * One gate for numeric input (arrays, typed arrays, polars Series) so every
 * EDA function and chart rejects bad values with the same clear message.
 */
import pl from "nodejs-polars";
import type { Series } from "nodejs-polars";

/** Numbers as a plain array, a typed array or a numeric nodejs-polars Series. */
export type NumericInput = ArrayLike<number> | Series;

/**
 * Copies `values` into a Float64Array, throwing a clear error for an empty
 * input, a non-numeric Series, or any null/NaN/infinite/non-number entry.
 * `context` names the caller and argument in messages, e.g. "histogram(values)".
 *
 * @example
 * ```ts
 * toFiniteNumbers([1, 2, 3], "quantile(values)"); // Float64Array [1, 2, 3]
 * toFiniteNumbers([1, NaN], "quantile(values)");  // throws: quantile(values): values[1] is NaN ...
 * ```
 */
export function toFiniteNumbers(values: NumericInput, context: string): Float64Array {
  const source = readValues(values, context);
  if (source.length === 0) throw new RangeError(`${context}: input is empty`);
  const out = new Float64Array(source.length);
  for (let i = 0; i < source.length; i++) {
    out[i] = checkedNumber(source[i], i, context);
  }
  return out;
}

function readValues(values: NumericInput, context: string): ArrayLike<unknown> {
  if (pl.Series.isSeries(values)) {
    if (!values.isNumeric()) {
      throw new TypeError(
        `${context}: Series '${values.name}' has dtype ${String(values.dtype)}; expected a numeric Series`,
      );
    }
    return values.toArray();
  }
  if (values === null || values === undefined || typeof (values as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${context}: expected an array of numbers or a numeric Series, got ${describeType(values)}`);
  }
  return values;
}

function checkedNumber(value: unknown, index: number, context: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw new RangeError(`${context}: value at index ${index} is ${value}; expected finite numbers`);
  }
  if (typeof value === "bigint") {
    const asNumber = Number(value);
    if (Number.isSafeInteger(asNumber)) return asNumber;
    throw new RangeError(`${context}: value at index ${index} (${value}) is too large for a float64`);
  }
  throw new TypeError(
    `${context}: value at index ${index} is ${describeType(value)}; expected finite numbers`,
  );
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === "object" ? `an object (${Object.prototype.toString.call(value)})` : String(value);
}
