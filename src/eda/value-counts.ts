/** pandas-style `value_counts()` returning a nodejs-polars DataFrame. */
import pl from "nodejs-polars";
import type { DataFrame, Series } from "nodejs-polars";

type CountableValue = string | number | boolean;

/** Orders numbers numerically, booleans false < true, anything else as text. */
function compareValues(a: CountableValue, b: CountableValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Counts of each distinct value, like pandas' `value_counts()`: a DataFrame
 * with columns `value` and `count` (UInt32), sorted by count descending, ties
 * by value ascending. Values must be strings, finite numbers or booleans; a
 * null/NaN/other value throws an error naming its index. Mixed types are
 * shown as text in the `value` column.
 *
 * @example
 * ```ts
 * valueCounts([0, 1, 0, 0]);        // value: [0, 1], count: [3, 1]
 * valueCounts(df.getColumn("class"));
 * ```
 */
export function valueCounts(values: Series | ArrayLike<unknown>): DataFrame {
  const items: ArrayLike<unknown> = pl.Series.isSeries(values) ? values.toArray() : values;
  if (items === null || items === undefined || typeof items.length !== "number") {
    throw new TypeError(`valueCounts: expected an array or a Series, got ${String(items)}`);
  }
  if (items.length === 0) throw new RangeError("valueCounts: input is empty");
  const counts = new Map<CountableValue, number>();
  for (let i = 0; i < items.length; i++) {
    const value = checkedValue(items[i], i);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareValues(a[0], b[0]));
  const kinds = new Set(entries.map(([value]) => typeof value));
  const column = kinds.size === 1 ? entries.map(([value]) => value) : entries.map(([value]) => String(value));
  // Keep a Series' dtype (an i64 class column stays i64) when its values were not stringified.
  const dtype = pl.Series.isSeries(values) && kinds.size === 1 ? values.dtype : undefined;
  return pl.DataFrame([
    dtype ? pl.Series("value", column, dtype) : pl.Series("value", column),
    pl.Series("count", entries.map(([, count]) => count), pl.UInt32),
  ]);
}

function checkedValue(value: unknown, index: number): CountableValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint" && Number.isSafeInteger(Number(value))) return Number(value);
  throw new TypeError(
    `valueCounts: value at index ${index} is ${value === null ? "null" : String(value)}; ` +
      "expected strings, finite numbers or booleans",
  );
}
