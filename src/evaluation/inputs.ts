/** Validation of the label and score vectors given to evaluation metrics. */

/** Labels or scores: a plain/typed array, or a nodejs-polars Series (anything with `toArray()`). */
export type VectorInput = ArrayLike<number> | ArrayLike<boolean> | { toArray(): unknown[] };

/**
 * 0/1 labels (1 = outlier) as a Uint8Array; booleans count as 0/1.
 * Throws naming the argument and the first offending position.
 * @example toBinaryLabels([0, 1, true], "yTrue"); // Uint8Array [0, 1, 1]
 */
export function toBinaryLabels(input: VectorInput, name: string): Uint8Array {
  const values = toValues(input, name);
  const labels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === 1 || value === true) labels[i] = 1;
    else if (value !== 0 && value !== false) {
      throw new RangeError(`${name}[${i}] is ${describe(value)}: labels must be 0 (inlier) or 1 (outlier)`);
    }
  }
  return labels;
}

/**
 * Finite scores as a Float64Array (higher = more anomalous).
 * @example toScores([0.1, 2], "scores"); // Float64Array [0.1, 2]
 */
export function toScores(input: VectorInput, name: string): Float64Array {
  const values = toValues(input, name);
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) throw unscoredRows(values, name);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`${name}[${i}] is ${describe(value)}: scores must be finite numbers`);
    }
    scores[i] = value;
  }
  return scores;
}

/**
 * Throws unless both vectors have the same length.
 * @example checkSameLength(yTrue, yPred, "yTrue", "yPred");
 */
export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${nameA} has ${a.length} values but ${nameB} has ${b.length}: they must have the same length`);
  }
}

/**
 * The error for scores with null (or undefined) entries: rows without a score, such as rows 0 .. T-2 of a sequence
 * detector's `scoreRows(X, { mapping: "last" })`. They are refused, never counted as some other row's score: the
 * caller keeps the scored rows (`scores.slice(T - 1)` with the same rows of the labels or timestamps) or maps with
 * "max" or "mean", which score every row.
 */
export function unscoredRows(values: ArrayLike<unknown>, name: string): RangeError {
  const missing: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) missing.push(i);
  const first = missing[0]!;
  const last = missing[missing.length - 1]!;
  const contiguous = last - first + 1 === missing.length;
  let which = `${missing.length} entries of ${name} are null (the first: ${first})`;
  if (missing.length === 1) which = `${name}[${first}] is ${String(values[first])}`;
  else if (contiguous) which = `${name}[${first}] .. ${name}[${last}] are null`;
  const mapping = 'scoreRows(X, { mapping: "last" })';
  const why = `rows without a score (a sequence detector's ${mapping} leaves rows 0 .. T-2 unscored)`;
  const from = last + 1;
  let how = "keep the scored rows only";
  if (contiguous && first === 0) how = `keep rows ${from} on (${name}.slice(${from}) and the same rows of the other inputs)`;
  return new RangeError(`${which}: ${why}; ${how}, or map with "max" or "mean", which score every row`);
}

function toValues(input: VectorInput, name: string): ArrayLike<unknown> {
  if (input === null || typeof input !== "object") throw new TypeError(`${name} must be an array, got ${describe(input)}`);
  const values = "toArray" in input && typeof input.toArray === "function" ? input.toArray() : (input as ArrayLike<unknown>);
  if (typeof values.length !== "number") throw new TypeError(`${name} must be an array`);
  if (values.length === 0) throw new RangeError(`${name} is empty`);
  return values;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  return String(value);
}
