import type { Matrix } from "../core/matrix";
import { searchSorted } from "../core/search-sorted";

/**
 * Feature binning for histogram-based tree growth (as scikit-learn's HistGradientBoosting and
 * LightGBM do): each column's values map to at most `maxBins` ordered bins, once per fit, so that
 * finding a split in a node is a histogram pass instead of a sort.
 */

/** Binned training data: column-major bin codes and each column's upper bin edges. */
export interface BinnedData {
  readonly rows: number;
  readonly cols: number;
  /** Bin of row i in column j at `codes[j * rows + i]`. */
  readonly codes: Uint8Array;
  /** edges[j][b] is the largest value of bin b in column j (x <= edges[j][b] means bin <= b); last bin open. */
  readonly edges: Float64Array[];
}

/** At most 256 bins: codes fit in a byte. */
export const MAX_BINS = 256;

/**
 * Bins every column: a column with at most `maxBins` distinct values gets one bin per value (edges at
 * the midpoints between neighbouring values, where scikit-learn's exact splitter puts its thresholds);
 * a column with more gets `maxBins` quantile bins (edges at the `q / maxBins` percentiles, numpy's
 * "midpoint" method, as HistGradientBoosting).
 *
 * @example binFeatures(toMatrix([[1], [2], [2], [5]]), 255).edges[0]; // Float64Array [1.5, 3.5]
 */
export function binFeatures(X: Matrix, maxBins: number): BinnedData {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS) {
    throw new RangeError(`maxBins must be an integer in [2, ${MAX_BINS}], got ${maxBins}`);
  }
  const { rows, cols, data } = X;
  const codes = new Uint8Array(rows * cols);
  const edges: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j];
    const sorted = column.slice().sort();
    const columnEdges = columnBinEdges(sorted, maxBins);
    edges.push(columnEdges);
    const offset = j * rows;
    for (let i = 0; i < rows; i++) codes[offset + i] = binOf(columnEdges, column[i]);
  }
  return { rows, cols, codes, edges };
}

function columnBinEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  if (distinct.length <= maxBins) {
    return Float64Array.from(distinct.slice(1), (value, k) => midpoint(distinct[k], value));
  }
  const cuts: number[] = [];
  const last = sorted.length - 1;
  for (let q = 1; q < maxBins; q++) {
    const position = (q / maxBins) * last;
    const edge = midpoint(sorted[Math.floor(position)], sorted[Math.ceil(position)]);
    if (cuts.length === 0 || edge > cuts[cuts.length - 1]) cuts.push(edge);
  }
  // An edge equal to the column's maximum would leave the last bin empty.
  while (cuts.length > 0 && cuts[cuts.length - 1] >= sorted[last]) cuts.pop();
  return Float64Array.from(cuts);
}

/** (a + b) / 2 without overflow for huge values, and exactly a when a === b. */
function midpoint(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  return mid < a ? a : mid > b ? b : mid;
}

/** Number of edges strictly below x: the bin whose range holds x. */
export function binOf(edges: Float64Array, x: number): number {
  return searchSorted(edges, x);
}
