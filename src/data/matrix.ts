/**
 * A dense row-major matrix of doubles backed by one Float64Array: compact for 700k values and
 * cheap to slice by rows. Printing shows the shape, not every value.
 *
 * @example
 * const m = new Float64Matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
 * m.get(1, 2); // 6
 * m.rows(); // [[1, 2, 3], [4, 5, 6]]
 */
export class Float64Matrix {
  readonly nRows: number;
  readonly nCols: number;
  /** Row-major values: element (i, j) is data[i * nCols + j]. */
  readonly data: Float64Array;

  constructor(nRows: number, nCols: number, data: Float64Array) {
    if (!Number.isSafeInteger(nRows) || nRows < 0) throw new RangeError(`Float64Matrix: nRows must be a non-negative integer, got ${nRows}`);
    if (!Number.isSafeInteger(nCols) || nCols < 0) throw new RangeError(`Float64Matrix: nCols must be a non-negative integer, got ${nCols}`);
    if (data.length !== nRows * nCols) {
      throw new RangeError(`Float64Matrix: data has ${data.length} values, shape ${nRows} x ${nCols} needs ${nRows * nCols}`);
    }
    this.nRows = nRows;
    this.nCols = nCols;
    this.data = data;
  }

  /** [nRows, nCols], like numpy's `shape`. */
  get shape(): [number, number] {
    return [this.nRows, this.nCols];
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    this.checkRow(i);
    if (!Number.isInteger(j) || j < 0 || j >= this.nCols) throw new RangeError(`column ${j} is outside 0..${this.nCols - 1}`);
    return this.data[i * this.nCols + j]!;
  }

  /** Row i as a view (no copy): writing to it writes to the matrix. */
  row(i: number): Float64Array {
    this.checkRow(i);
    return this.data.subarray(i * this.nCols, (i + 1) * this.nCols);
  }

  /** All rows as plain arrays (a copy), for APIs that take number[][]. */
  rows(): number[][] {
    const out = new Array<number[]>(this.nRows);
    for (let i = 0; i < this.nRows; i++) out[i] = Array.from(this.row(i));
    return out;
  }

  /** Column j (a copy). */
  column(j: number): Float64Array {
    if (!Number.isInteger(j) || j < 0 || j >= this.nCols) throw new RangeError(`column ${j} is outside 0..${this.nCols - 1}`);
    const out = new Float64Array(this.nRows);
    for (let i = 0; i < this.nRows; i++) out[i] = this.data[i * this.nCols + j]!;
    return out;
  }

  /** A new matrix of the given rows, in the given order (numpy's `X[indices]`). */
  selectRows(indices: ArrayLike<number>): Float64Matrix {
    const out = new Float64Array(indices.length * this.nCols);
    for (let k = 0; k < indices.length; k++) out.set(this.row(indices[k]!), k * this.nCols);
    return new Float64Matrix(indices.length, this.nCols, out);
  }

  toString(): string {
    return `Float64Matrix ${this.nRows} x ${this.nCols}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private checkRow(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.nRows) throw new RangeError(`row ${i} is outside 0..${this.nRows - 1}`);
  }
}
