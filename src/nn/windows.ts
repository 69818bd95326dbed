/**
 * Time series as the recurrent detectors see them: a matrix of rows in time order, cut into sliding windows
 * of T consecutive rows (window k = rows k .. k + T - 1, stride 1), each window standing for the time of its
 * LAST row, the moment its score becomes known (window scores to row scores: window-mapping.ts). Also the checks a series needs before it is windowed
 * (timestamps strictly increasing, finite values) with errors that name the row.
 */
import { warnDeprecated } from "../core/deprecation";
import type { Matrix } from "../core/matrix";
import { createMatrix } from "../core/matrix";
import { checkInteger } from "../core/validation";

/** A multivariate series: one timestamp per row of `X`, rows in time order. */
export interface TimeSeries {
  readonly timestamps: readonly Date[];
  readonly X: Matrix;
  /** Column names of `X`. */
  readonly columns: readonly string[];
}

/** Sliding windows of a matrix, flattened for a `[count, timesteps, features]` tensor. */
export interface Windows {
  readonly count: number;
  readonly timesteps: number;
  readonly features: number;
  /** Row-major `[count, timesteps, features]`. */
  readonly data: Float32Array;
}

/** Minimal structural type of a nodejs-polars DataFrame, enough to read a time column and numeric columns. */
interface FrameLike {
  readonly columns: string[];
  readonly height: number;
  getColumn(name: string): { toArray(): unknown[] };
}

/** Number of windows of `timesteps` rows in `rows` rows (stride 1); an error when there is not even one. */
export function windowCount(rows: number, timesteps: number, context = "windows"): number {
  checkInteger(timesteps, `${context}: timesteps`, 1);
  if (rows < timesteps) {
    throw new RangeError(`${context}: ${rows} row${rows === 1 ? "" : "s"} are too few for one window of ${timesteps} timesteps (need at least ${timesteps})`);
  }
  return rows - timesteps + 1;
}

/**
 * All windows of `timesteps` consecutive rows of `X` (stride 1): window k holds rows k .. k + timesteps - 1.
 *
 * @example slidingWindows(X, 5).count; // X.rows - 4
 */
export function slidingWindows(X: Matrix, timesteps: number, context = "slidingWindows"): Windows {
  const count = windowCount(X.rows, timesteps, context);
  const width = timesteps * X.cols;
  const data = new Float32Array(count * width);
  // Consecutive windows overlap in all but one row: each is one contiguous slice of the row-major data.
  for (let k = 0; k < count; k++) data.set(X.data.subarray(k * X.cols, k * X.cols + width), k * width);
  return { count, timesteps, features: X.cols, data };
}

/** The row whose time window `k` stands for: its last row, `k + timesteps - 1`. */
export function windowEndRow(k: number, timesteps: number): number {
  return k + timesteps - 1;
}

/**
 * @deprecated Copies the first window's score into rows 0 .. T-2, which end no window (a score they do not have,
 * counted by thresholds and ROC curves): use `windowsToRows(scores, rows, T, mapping)` with a mapping you name
 * ("last": rows 0 .. T-2 get null; "max" or "mean" over the windows covering each row). Warns once.
 */
export function windowScoresToRows(windowScores: ArrayLike<number>, rows: number, timesteps: number): Float64Array {
  warnDeprecated("windowScoresToRows", "windowScoresToRows (it copies the first window's score into rows 0 .. T-2)", 'windowsToRows(scores, rows, T, "last" | "max" | "mean")');
  const count = windowCount(rows, timesteps, "windowScoresToRows");
  if (windowScores.length !== count) {
    throw new RangeError(`windowScoresToRows: ${rows} rows in windows of ${timesteps} make ${count} windows, got ${windowScores.length} scores`);
  }
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = windowScores[Math.max(0, r - timesteps + 1)]!;
  return out;
}

/**
 * The time of each window (that of its last row), after checking that the timestamps are valid and
 * strictly increasing: `timestamps.slice(timesteps - 1)`.
 */
export function windowEndTimes(timestamps: readonly Date[], timesteps: number): Date[] {
  checkTimeOrder(timestamps, "windowEndTimes");
  windowCount(timestamps.length, timesteps, "windowEndTimes");
  return timestamps.slice(timesteps - 1);
}

/** Throws when a timestamp is not a valid Date or is not later than the one before it (naming both rows). */
export function checkTimeOrder(timestamps: readonly Date[], context = "timestamps"): void {
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (!(t instanceof Date) || Number.isNaN(t.getTime())) throw new TypeError(`${context}: row ${i} has no valid timestamp (got ${String(t)})`);
    if (i > 0 && t.getTime() <= timestamps[i - 1]!.getTime()) {
      const how = t.getTime() === timestamps[i - 1]!.getTime() ? "repeats" : "is earlier than";
      throw new RangeError(
        `${context}: timestamps must be strictly increasing, but row ${i} (${iso(t)}) ${how} row ${i - 1} (${iso(timestamps[i - 1]!)}); sort the rows by time and drop duplicates`,
      );
    }
  }
}

/**
 * A {@link TimeSeries} from a DataFrame: the time column (Dates, strictly increasing) and numeric value
 * columns (default: all others), every value finite; errors name the column, row and time.
 *
 * @example
 * const { df } = await loadBearingTest2();
 * const series = timeSeries(df, { timeColumn: "timestamp" }); // X: 984 x 4, columns bearing1..bearing4
 */
export function timeSeries(df: FrameLike, options: { timeColumn: string; columns?: readonly string[] }): TimeSeries {
  const { timeColumn } = options;
  if (!df.columns.includes(timeColumn)) throw new RangeError(`timeSeries: no column "${timeColumn}" (columns: ${df.columns.join(", ")})`);
  const columns = options.columns ?? df.columns.filter((c) => c !== timeColumn);
  if (columns.length === 0) throw new RangeError("timeSeries: no value columns");
  const timestamps = df.getColumn(timeColumn).toArray() as Date[];
  checkTimeOrder(timestamps, `timeSeries(column "${timeColumn}")`);
  const rows = df.height;
  const data = new Float64Array(rows * columns.length);
  columns.forEach((name, j) => {
    if (!df.columns.includes(name)) throw new RangeError(`timeSeries: no column "${name}" (columns: ${df.columns.join(", ")})`);
    const values = df.getColumn(name).toArray();
    values.forEach((value, i) => {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new RangeError(`timeSeries: column "${name}", row ${i} (${iso(timestamps[i]!)}) is ${String(value)}, not a finite number`);
      }
      data[i * columns.length + j] = value;
    });
  });
  return { timestamps, X: createMatrix(rows, columns.length, data), columns };
}

/**
 * The rows with `start <= time <= end` (both ends included, as pandas' label slicing `df[start:end]`);
 * either end may be omitted.
 */
export function timeSlice(series: TimeSeries, start?: Date, end?: Date): TimeSeries {
  const from = start?.getTime() ?? -Infinity;
  const to = end?.getTime() ?? Infinity;
  let first = series.timestamps.findIndex((t) => t.getTime() >= from);
  if (first < 0) first = series.timestamps.length;
  let last = first;
  while (last < series.timestamps.length && series.timestamps[last]!.getTime() <= to) last++;
  if (last === first) throw new RangeError(`timeSlice: no rows between ${start ? iso(start) : "the start"} and ${end ? iso(end) : "the end"}`);
  const p = series.X.cols;
  return {
    timestamps: series.timestamps.slice(first, last),
    X: createMatrix(last - first, p, series.X.data.slice(first * p, last * p)),
    columns: series.columns,
  };
}

function iso(date: Date): string {
  return Number.isNaN(date.getTime()) ? String(date) : date.toISOString().slice(0, 19).replace("T", " ");
}
