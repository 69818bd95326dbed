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

/** Applies the map (returns `X` itself for "none"). */
export function applyColumnAffine(affine: ColumnAffine, X: Matrix): Matrix {
  if (affine.kind === "none") return X;
  const out = new Float64Array(X.data.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % X.cols;
    out[k] = X.data[k] * affine.factor[j] + affine.shift[j];
  }
  return createMatrix(X.rows, X.cols, out);
}
