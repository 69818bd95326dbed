/** pandas-style `describe()` returning a nodejs-polars DataFrame. */
import pl from "nodejs-polars";
import type { DataFrame, Series } from "nodejs-polars";
import { mean, standardDeviation } from "./moments";
import { toFiniteNumbers } from "./numeric-input";
import { quantileOfSorted } from "./quantile";

/** Row labels of the describe() table, in pandas' order. */
export const DESCRIBE_STATISTICS = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"] as const;

/** The describe() column of one numeric sample; std is null when there is a single value. */
function describeColumn(values: Float64Array): Array<number | null> {
  const sorted = Float64Array.from(values).sort();
  const center = mean(values);
  const std = values.length > 1 ? standardDeviation(values, 1, center) : null;
  return [
    values.length,
    center,
    std,
    sorted[0],
    quantileOfSorted(sorted, 0.25),
    quantileOfSorted(sorted, 0.5),
    quantileOfSorted(sorted, 0.75),
    sorted[sorted.length - 1],
  ];
}

/**
 * Summary statistics like pandas' `DataFrame.describe()`: a DataFrame whose
 * first column `statistic` holds count, mean, std (ddof = 1), min, 25%, 50%,
 * 75%, max, followed by one Float64 column per numeric input column.
 * Quartiles use linear interpolation (numpy/pandas default), not polars' method.
 *
 * Non-numeric columns (strings, booleans, dates) are skipped; an input with
 * no numeric column, an empty column, or a column holding null/NaN/infinity
 * throws an error naming the column and row. A plain array is described as
 * a column named "value". std is null for a single value.
 *
 * @example
 * ```ts
 * const df = pl.readCSV("salaries.csv");
 * display(describe(df));            // statistic | index | salary | ...
 * describe([1, 2, 3, 4]);           // statistic | value
 * ```
 */
export function describe(data: DataFrame | Series | ArrayLike<number>): DataFrame {
  const columns = numericColumns(data);
  if (columns.some(([name]) => name === "statistic")) {
    throw new Error(`describe: input has a column named "statistic", which the result uses for row labels; rename it`);
  }
  return pl.DataFrame([
    pl.Series("statistic", [...DESCRIBE_STATISTICS]),
    ...columns.map(([name, values]) => pl.Series(name, describeColumn(values), pl.Float64)),
  ]);
}

function numericColumns(data: DataFrame | Series | ArrayLike<number>): Array<[string, Float64Array]> {
  if (pl.DataFrame.isDataFrame(data)) {
    const numeric = data.getColumns().filter((series) => series.isNumeric());
    if (numeric.length === 0) {
      const dtypes = data.getColumns().map((s) => `${s.name}: ${String(s.dtype)}`).join(", ");
      throw new TypeError(`describe: the DataFrame has no numeric column (${dtypes || "no columns"})`);
    }
    return numeric.map((series) => [series.name, columnValues(series)]);
  }
  if (pl.Series.isSeries(data)) return [[data.name, columnValues(data)]];
  return [["value", toFiniteNumbers(data, "describe(values)")]];
}

function columnValues(series: Series): Float64Array {
  const context = `describe: column '${series.name}'`;
  if (series.len() === 0) throw new RangeError(`${context} is empty`);
  if (series.nullCount() > 0) {
    const row = series.toArray().findIndex((value) => value === null || value === undefined);
    throw new RangeError(`${context} has a null at row ${row} (${series.nullCount()} nulls); drop or fill them first`);
  }
  return toFiniteNumbers(series, context);
}
