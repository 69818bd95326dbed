/**
 * From one score per window to one per row, by a rule the user names (a sequence detector scores windows of T
 * consecutive rows, window k = rows k .. k + T - 1; a row belongs to up to T windows and ends at most one):
 * - "last": row r gets the score of the window that ENDS at it (window r - T + 1), the moment a detector watching
 *   the stream knows it; rows 0 .. T - 2 end no window and get NO score (`null`, never a copy of another row's);
 * - "max": the largest score of the windows covering row r (a row is flagged when any window it is in is);
 * - "mean": the mean score of the windows covering row r.
 * With T = 1 every rule is the identity.
 */
import { windowCount } from "./windows";

/** How window scores become row scores (see the module comment). */
export type RowMapping = "last" | "max" | "mean";

/** Row scores: `null` where a row has no score ("last": rows 0 .. T-2); every row a number under "max" / "mean". */
export type RowScores = (number | null)[] | Float64Array;

/** The row mappings, in the order the docs list them. */
export const ROW_MAPPINGS: readonly RowMapping[] = ["last", "max", "mean"];

/** Throws unless `mapping` is one of {@link ROW_MAPPINGS}, naming the value. */
export function checkRowMapping(mapping: unknown, context: string): RowMapping {
  if (typeof mapping === "string" && (ROW_MAPPINGS as readonly string[]).includes(mapping)) return mapping as RowMapping;
  const shown = typeof mapping === "string" ? `"${mapping}"` : String(mapping);
  const why = "how window scores become row scores";
  throw new TypeError(`${context}: mapping must be "last", "max" or "mean" (${why}), got ${shown}`);
}

/**
 * Row scores from the window scores of `rows` rows cut into windows of `timesteps`.
 *
 * @example
 * windowsToRows([0.1, 0.5, 0.2], 5, 3, "last"); // [null, null, 0.1, 0.5, 0.2]
 * windowsToRows([0.1, 0.5, 0.2], 5, 3, "max");  // Float64Array [0.1, 0.5, 0.5, 0.5, 0.2]
 */
export function windowsToRows(scores: ArrayLike<number>, rows: number, timesteps: number, mapping: "last"): (number | null)[];
export function windowsToRows(scores: ArrayLike<number>, rows: number, timesteps: number, mapping: "max" | "mean"): Float64Array;
export function windowsToRows(scores: ArrayLike<number>, rows: number, timesteps: number, mapping: RowMapping): RowScores;
export function windowsToRows(windowScores: ArrayLike<number>, rows: number, timesteps: number, mapping: RowMapping): RowScores {
  const context = "windowsToRows";
  const count = windowCount(rows, timesteps, context);
  if (windowScores.length !== count) {
    const windows = `${rows} rows in windows of ${timesteps} make ${count} windows`;
    throw new RangeError(`${context}: ${windows}, got ${windowScores.length} scores`);
  }
  switch (checkRowMapping(mapping, context)) {
    case "last":
      return Array.from({ length: rows }, (_, r) => (r < timesteps - 1 ? null : windowScores[r - timesteps + 1]!));
    case "max":
      return coveringWindows(windowScores, rows, timesteps, (from, to) => {
        let max = -Infinity;
        for (let k = from; k <= to; k++) if (windowScores[k]! > max) max = windowScores[k]!;
        return max;
      });
    case "mean":
      return coveringWindows(windowScores, rows, timesteps, (from, to) => {
        let sum = 0;
        for (let k = from; k <= to; k++) sum += windowScores[k]!;
        return sum / (to - from + 1);
      });
  }
}

/** One value per row from the windows covering it: windows max(0, r - T + 1) .. min(r, count - 1). */
function coveringWindows(
  windowScores: ArrayLike<number>,
  rows: number,
  timesteps: number,
  combine: (first: number, last: number) => number,
): Float64Array {
  const count = windowScores.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = combine(Math.max(0, r - timesteps + 1), Math.min(r, count - 1));
  return out;
}
