/**
 * The per-column scaling a neural detector applies before its network (PyOD's `preprocessing`), kept as an
 * affine map `x * factor + shift` so that it is saved with the model and applied identically after loading.
 */
import { createMatrix, type Matrix } from "../core/matrix";
import { MinMaxScaler, StandardScaler } from "../preprocessing";

/** "none" (default: the network sees the data as given, as in Keras), "standard" (PyOD) or "minmax" (to [0, 1]). */
export type InputScaling = "none" | "standard" | "minmax";

/** A learned column map, JSON-serialisable. */
export interface ColumnAffine {
  readonly kind: InputScaling;
  readonly factor: readonly number[];
  readonly shift: readonly number[];
}

/** The largest finite float32, (2 − 2^−23) · 2^127 ≈ 3.4028235e38. */
export const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;
const BEYOND_FLOAT32 = `beyond float32's finite range (±${FLOAT32_MAX}) that the network computes in`;

export function checkInputScaling(value: unknown, context: string): InputScaling {
  if (value === "none" || value === "standard" || value === "minmax") return value;
  throw new RangeError(`${context}: preprocessing must be "none", "standard" or "minmax", got ${String(value)}`);
}

/** Learns the map from the training rows with scikit-learn's scalers (constant columns: scale 1). */
export function fitColumnAffine(kind: InputScaling, X: Matrix): ColumnAffine {
  if (kind === "none") return { kind, factor: new Array<number>(X.cols).fill(1), shift: new Array<number>(X.cols).fill(0) };
  if (kind === "standard") {
    const scaler = new StandardScaler().fit(X);
    return { kind, factor: Array.from(scaler.scale, (s) => 1 / s), shift: Array.from(scaler.mean, (m, j) => -m / scaler.scale[j]) };
  }
  const scaler = new MinMaxScaler().fit(X);
  return { kind, factor: Array.from(scaler.scale), shift: Array.from(scaler.min) };
}

/**
 * Applies the map (returns `X` itself for "none"). Every value of `X` and of the result must fit float32, the
 * type the networks compute in: the one check of the neural detectors' input, at fit, score and everywhere else
 * rows reach a network. `name` names the rows in the error ("X", "validationData").
 */
export function applyColumnAffine(affine: ColumnAffine, X: Matrix, name = "X"): Matrix {
  checkFloat32Range(X, name);
  if (affine.kind === "none") return X;
  const out = new Float64Array(X.data.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % X.cols;
    out[k] = X.data[k] * affine.factor[j] + affine.shift[j];
  }
  const beyond = firstBeyondFloat32(out);
  if (beyond >= 0) {
    const [i, j] = [Math.floor(beyond / X.cols), beyond % X.cols];
    const mapped = `which the "${affine.kind}" scaling learned at fit maps to ${out[beyond]}`;
    throw new RangeError(`${name}: row ${i}, column ${j} is ${X.data[beyond]}, ${mapped}, ${BEYOND_FLOAT32}`);
  }
  return createMatrix(X.rows, X.cols, out);
}

/**
 * Refuses a value that float32 cannot hold (it would become ±Infinity in the network, and its row would score
 * as anything, an ordinary inlier included), naming its row and column.
 */
export function checkFloat32Range(X: Matrix, name: string): void {
  const beyond = firstBeyondFloat32(X.data);
  if (beyond < 0) return;
  throw new RangeError(`${name}: row ${Math.floor(beyond / X.cols)}, column ${beyond % X.cols} is ${X.data[beyond]}, ${BEYOND_FLOAT32}`);
}

/** Index of the first value that is not finite once rounded to float32 (what Float32Array stores), or -1. */
function firstBeyondFloat32(values: Float64Array): number {
  for (let k = 0; k < values.length; k++) {
    // Cheap comparison first; fround decides the values near the bound (those that round down to FLOAT32_MAX pass).
    if (!(Math.abs(values[k]) <= FLOAT32_MAX) && !Number.isFinite(Math.fround(values[k]))) return k;
  }
  return -1;
}
