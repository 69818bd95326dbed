/**
 * The library's input layer: one small dense matrix type and a converter that
 * accepts what notebooks hold (arrays, typed arrays, ml-matrix, nodejs-polars)
 * and rejects what would silently poison a detector (ragged rows, NaN, text).
 */

/** Dense row-major matrix of doubles: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Structural type of an ml-matrix `Matrix` (duck-typed so that ml-matrix stays optional). */
export interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  to2DArray(): number[][];
}

/** Row-major storage under other names, e.g. the dataset loaders' `Float64Matrix`. */
export interface RowMajorLike {
  readonly nRows: number;
  readonly nCols: number;
  readonly data: Float64Array;
}

/** Structural type of a nodejs-polars `Series`. */
export interface SeriesLike {
  readonly name: string;
  readonly dtype: unknown;
  isNumeric(): boolean;
  toArray(): unknown[];
}

/** Structural type of a nodejs-polars `DataFrame`. */
export interface DataFrameLike {
  readonly columns: string[];
  readonly height: number;
  getColumn(name: string): SeriesLike;
}

/**
 * Everything {@link toMatrix} accepts. A flat `number[]` / `Float64Array` is one column
 * (n observations of one feature), as in the salary tutorial.
 */
export type MatrixInput =
  | Matrix
  | readonly (readonly number[])[]
  | readonly Float64Array[]
  | readonly number[]
  | Float64Array
  | MatrixLike
  | RowMajorLike
  | DataFrameLike;

/** Options of {@link toMatrix}. */
export interface ToMatrixOptions {
  /** Argument name used in error messages (default `"X"`). */
  name?: string;
  /** DataFrame input only: the columns to use, in this order (default: all columns, all must be numeric). */
  columns?: readonly string[];
}

/**
 * Allocates a matrix, zero-filled or wrapping `data` (not copied).
 * @example const m = createMatrix(2, 3); // 2 x 3 zeros
 */
export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new RangeError(`matrix shape must be non-negative integers, got ${rows} x ${cols}`);
  }
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) {
    throw new RangeError(`matrix data has ${values.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: values };
}

/**
 * A copy of a matrix (fitted detectors hand out copies so callers cannot change their model).
 * @example copyMatrix(detector.model.covariance);
 */
export function copyMatrix(matrix: Matrix): Matrix {
  return { rows: matrix.rows, cols: matrix.cols, data: matrix.data.slice() };
}

/**
 * True when `value` already is a {@link Matrix} (consistent shape and Float64Array data).
 * @example isMatrix({ rows: 1, cols: 2, data: new Float64Array(2) }); // true
 */
export function isMatrix(value: unknown): value is Matrix {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Matrix>;
  return (
    candidate.data instanceof Float64Array &&
    typeof candidate.rows === "number" &&
    typeof candidate.cols === "number" &&
    candidate.rows * candidate.cols === candidate.data.length
  );
}

/**
 * Row `i` as a view (no copy) into the matrix data.
 * @example matrixRow(toMatrix([[1, 2], [3, 4]]), 1); // Float64Array [3, 4]
 */
export function matrixRow(matrix: Matrix, i: number): Float64Array {
  return matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols);
}

/**
 * The matrix as nested plain arrays (for display or JSON).
 * @example matrixToArrays(toMatrix([1, 2])); // [[1], [2]]
 */
export function matrixToArrays(matrix: Matrix): number[][] {
  return Array.from({ length: matrix.rows }, (_, i) => Array.from(matrixRow(matrix, i)));
}

/**
 * Converts notebook data to a validated {@link Matrix} (always a fresh copy).
 *
 * Accepts nested arrays, arrays of Float64Array, a flat array (one column), an
 * existing Matrix, an ml-matrix `Matrix`, a `{ nRows, nCols, data }` row-major
 * matrix (the loaders' `Float64Matrix`), or a nodejs-polars `DataFrame`
 * (numeric columns; pass `columns` to select some). Throws, naming the argument,
 * on empty input, ragged rows, NaN/Infinity, nulls and non-numbers. Rows and
 * columns in messages are 0-based, like numpy and polars.
 *
 * @example
 * toMatrix([[1, 2], [3, 4]]);            // { rows: 2, cols: 2, data: [1, 2, 3, 4] }
 * toMatrix(df, { columns: ["salary"] }); // one column of a polars DataFrame
 * toMatrix([[1, 2], [3]], { name: "X" }); // Error: X: row 1 has 1 values, expected 2
 */
export function toMatrix(input: MatrixInput, options: ToMatrixOptions = {}): Matrix {
  const name = options.name ?? "X";
  if (input === null || input === undefined) throw new TypeError(`${name}: expected a matrix, got ${input}`);
  if (isDataFrameLike(input)) return fromDataFrame(input, name, options.columns);
  if (options.columns !== undefined) throw new TypeError(`${name}: the columns option applies only to DataFrame input`);
  if (isMatrix(input)) return fromFlat(input.rows, input.cols, input.data, name);
  if (isMatrixLike(input)) return fromRows(input.to2DArray(), name);
  if (isRowMajorLike(input)) return fromFlat(input.nRows, input.nCols, input.data, name);
  if (input instanceof Float64Array) return fromFlat(input.length, 1, input, name);
  if (!Array.isArray(input)) throw new TypeError(`${name}: expected an array, Matrix or DataFrame, got ${describe(input)}`);
  const rows = input as readonly unknown[];
  if (rows.length === 0) throw new RangeError(`${name} is empty: expected at least one row`);
  const first = rows[0];
  if (Array.isArray(first) || ArrayBuffer.isView(first)) return fromRows(rows, name);
  return fromColumnVector(rows, name);
}

function fromFlat(rows: number, cols: number, values: ArrayLike<number>, name: string): Matrix {
  checkShape(rows, cols, name);
  // Typed arrays are copied by the engine in one go (Float64Array.from walks an iterator: ~10x slower).
  const data =
    values instanceof Float64Array
      ? values.slice()
      : ArrayBuffer.isView(values) && !(values instanceof DataView)
        ? new Float64Array(values as unknown as ArrayLike<number>)
        : Float64Array.from(values);
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) checkFiniteValue(data[k], Math.floor(k / cols), k % cols, name);
  }
  return { rows, cols, data };
}

function fromColumnVector(values: readonly unknown[], name: string): Matrix {
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = numberAt(values[i], i, 0, name);
  return { rows: values.length, cols: 1, data };
}

function fromRows(rows: readonly unknown[], name: string): Matrix {
  if (rows.length === 0) throw new RangeError(`${name} is empty: expected at least one row`);
  const cols = rowLength(rows[0], 0, name);
  checkShape(rows.length, cols, name);
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    const length = rowLength(row, i, name);
    if (length !== cols) throw new RangeError(`${name}: row ${i} has ${length} values, expected ${cols}`);
    const values = row as ArrayLike<unknown>;
    for (let j = 0; j < cols; j++) data[i * cols + j] = numberAt(values[j], i, j, name);
  });
  return { rows: rows.length, cols, data };
}

function fromDataFrame(frame: DataFrameLike, name: string, selected?: readonly string[]): Matrix {
  const columns = selected ?? frame.columns;
  if (columns.length === 0) throw new RangeError(`${name}: no columns selected`);
  const rows = frame.height;
  checkShape(rows, columns.length, name);
  const data = new Float64Array(rows * columns.length);
  columns.forEach((column, j) => {
    if (!frame.columns.includes(column)) {
      throw new RangeError(`${name}: no column "${column}" (columns: ${frame.columns.join(", ")})`);
    }
    const series = frame.getColumn(column);
    if (!series.isNumeric()) {
      throw new TypeError(
        `${name}: column "${column}" is not numeric (${String(series.dtype)}); select numeric columns with { columns: [...] }`,
      );
    }
    series.toArray().forEach((value, i) => {
      if (value === null || value === undefined) throw new TypeError(`${name}: column "${column}", row ${i} is null`);
      data[i * columns.length + j] = numberAt(typeof value === "bigint" ? Number(value) : value, i, j, name);
    });
  });
  return { rows, cols: columns.length, data };
}

function rowLength(row: unknown, i: number, name: string): number {
  if (Array.isArray(row) || (ArrayBuffer.isView(row) && !(row instanceof DataView))) {
    return (row as ArrayLike<unknown>).length;
  }
  throw new TypeError(`${name}: row ${i} is not an array (got ${describe(row)})`);
}

function numberAt(value: unknown, i: number, j: number, name: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`${name}: row ${i}, column ${j} is not a number (got ${describe(value)})`);
  }
  checkFiniteValue(value, i, j, name);
  return value;
}

function checkFiniteValue(value: number, i: number, j: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name}: row ${i}, column ${j} is ${value}`);
}

function checkShape(rows: number, cols: number, name: string): void {
  if (rows === 0) throw new RangeError(`${name} is empty: expected at least one row`);
  if (cols === 0) throw new RangeError(`${name} has rows with no values: expected at least one column`);
}

/** True for a nodejs-polars DataFrame (duck-typed: `columns` and `getColumn`). */
export function isDataFrameLike(value: unknown): value is DataFrameLike {
  const candidate = value as Partial<DataFrameLike>;
  return typeof candidate === "object" && typeof candidate.getColumn === "function" && Array.isArray(candidate.columns);
}

function isMatrixLike(value: unknown): value is MatrixLike {
  const candidate = value as Partial<MatrixLike>;
  return (
    typeof candidate === "object" &&
    typeof candidate.to2DArray === "function" &&
    typeof candidate.rows === "number" &&
    typeof candidate.columns === "number"
  );
}

function isRowMajorLike(value: unknown): value is RowMajorLike {
  const candidate = value as Partial<RowMajorLike>;
  return (
    typeof candidate === "object" &&
    candidate.data instanceof Float64Array &&
    typeof candidate.nRows === "number" &&
    typeof candidate.nCols === "number" &&
    candidate.nRows * candidate.nCols === candidate.data.length
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `string "${value.length > 20 ? `${value.slice(0, 20)}...` : value}"`;
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return `${typeof value} ${String(value)}`;
}

/**
 * The given rows of a matrix, in the given order, as a new matrix (e.g. the normal rows of a training set).
 * @example selectRows(toMatrix([[1, 2], [3, 4], [5, 6]]), [2, 0]); // rows [5, 6] and [1, 2]
 */
export function selectRows(matrix: Matrix, rows: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows.length * matrix.cols);
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    if (!Number.isInteger(row) || row < 0 || row >= matrix.rows) {
      throw new RangeError(`selectRows: rows[${k}] is ${row}, not a row of the ${matrix.rows}-row matrix`);
    }
    data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), k * matrix.cols);
  }
  return { rows: rows.length, cols: matrix.cols, data };
}
