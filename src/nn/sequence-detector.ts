/**
 * The sequence contract (issue #23): a detector that judges windows of T consecutive rows, not rows. It fits on a
 * time-ordered series; `scoreWindows` gives one score per window (rows - T + 1 of them, window k = rows
 * k .. k + T - 1); its threshold and labels are placed on the training WINDOW scores by the shared `threshold`
 * option; rows get scores only through a mapping the user names (`scoreRows(X, { mapping })`, see
 * window-mapping.ts), and a live series is scored row by row through `open()`.
 */
import type { FitOptions, PredictOptions } from "../core/detector";
import { isMatrix, type MatrixInput } from "../core/matrix";
import type { ThresholdRule } from "../core/threshold";
import type { RowMapping } from "./window-mapping";
import type { SequenceStream, SequenceStreamSnapshot } from "./window-stream";
import type { TimeSeries } from "./windows";

/** Rows in time order: a matrix, arrays, a DataFrame, or a {@link TimeSeries} (its `X`; timestamps checked). */
export type SequenceInput = MatrixInput | TimeSeries;

/** Options of `scoreRows`: the mapping is required, there is no silent default. */
export interface RowScoreOptions<M extends RowMapping = RowMapping> {
  /** "last" (rows 0 .. T-2 get null), "max" or "mean" over the windows covering each row. */
  mapping: M;
}

/** A detector on the sequence contract (see the module comment). */
export interface SequenceDetector {
  /** Rows per window (T). */
  readonly timesteps: number;
  readonly thresholdRule: ThresholdRule;
  /** Placed by `thresholdRule` on the training window scores; a window is flagged when its score is above it. */
  readonly threshold: number;
  /** One score per training window (rows - T + 1 of them); a copy. */
  readonly trainingScores: Float64Array;
  /** 0/1 per training window (score > threshold); a copy. */
  readonly labels: Uint8Array;
  fit(X: SequenceInput, options?: FitOptions): Promise<this>;
  /** One score per window of `X` (at least T rows): window k = rows k .. k + T - 1. */
  scoreWindows(X: SequenceInput): Float64Array;
  /** 0/1 per window of `X`: score > threshold (the fitted one, or `options.threshold`). */
  predictWindows(X: SequenceInput, options?: PredictOptions): Uint8Array;
  /** One entry per row of `X`, by the mapping named (see window-mapping.ts). */
  scoreRows(X: SequenceInput, options: RowScoreOptions<"last">): (number | null)[];
  scoreRows(X: SequenceInput, options: RowScoreOptions<"max" | "mean">): Float64Array;
  scoreRows(X: SequenceInput, options: RowScoreOptions): (number | null)[] | Float64Array;
  /** A new stream: `update(row)` is undefined until T rows arrived, then the score of the window ending there. */
  open(): SequenceStream;
  /** Continues a stream from its snapshot (taken on this fitted model, or on the one this detector was loaded from). */
  restore(snapshot: SequenceStreamSnapshot): SequenceStream;
}

/** Whether `X` is a {@link TimeSeries} (timestamps + X + columns) rather than rows. */
export function isTimeSeries(X: unknown): X is TimeSeries {
  if (X === null || typeof X !== "object") return false;
  const series = X as Partial<TimeSeries>;
  return Array.isArray(series.timestamps) && isMatrix(series.X) && Array.isArray(series.columns);
}

/** The rows of a sequence input: a TimeSeries's matrix, anything else as given. */
export function sequenceRows(X: SequenceInput): MatrixInput {
  return isTimeSeries(X) ? X.X : X;
}
