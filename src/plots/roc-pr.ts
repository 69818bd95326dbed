import { toBinaryLabels, type VectorInput } from "../evaluation/inputs";
import { averagePrecision, precisionRecallCurve } from "../evaluation/pr-curve";
import { rocAuc, rocCurve } from "../evaluation/ranking";
import { Chart } from "./chart";
import { baseSpec, HIGHLIGHT_COLOR, type ChartOptions } from "./spec-defaults";
import { decimalsForPixels, roundTo, simplifyPolyline, stepAfterVertices, type AxisExtent } from "./thin";

/** Scores of one detector, or several named ones drawn as separate curves. */
export type CurveScores = VectorInput | Record<string, VectorInput>;

/** Options of {@link rocCurveChart} and {@link prCurveChart}. */
export interface CurveChartOptions extends ChartOptions {
  /** Legend name when a single score vector is given (default "scores"). */
  name?: string;
  /** Decimals of the AUC / AP shown in the legend (default 3). */
  digits?: number;
}

const BASELINE_COLOR = "#888";

/**
 * ROC curves (false vs true positive rate, sklearn's `roc_curve` points) of one or more
 * detectors on the same labels, with the chance diagonal and each curve's AUC in the legend.
 *
 * @example
 * ```ts
 * display(await rocCurveChart(yTest, { KNN: knn.score(XTest), PCA: pca.score(XTest) }, { title: "ROC, test set" }));
 * ```
 */
export async function rocCurveChart(yTrue: VectorInput, scores: CurveScores, options: CurveChartOptions = {}): Promise<Chart> {
  const digits = checkDigits(options.digits, "rocCurveChart");
  const base = baseSpec("rocCurveChart", options, { title: "ROC curve" });
  const rows: CurveRow[] = [];
  const names: string[] = [];
  for (const [name, values] of namedScores(scores, options.name, "rocCurveChart")) {
    const { fpr, tpr } = rocCurve(yTrue, values);
    const label = `${name} (AUC = ${rocAuc(yTrue, values).toFixed(digits)})`;
    names.push(label);
    for (const row of thinnedRows(label, fpr, tpr, base)) rows.push(row);
  }
  const diagonal = {
    data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
    mark: { type: "line", color: BASELINE_COLOR, strokeDash: [5, 4], strokeWidth: 1 },
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  };
  const chanceLabel = {
    // Below the diagonal at the right, where a better-than-chance curve never goes.
    data: { values: [{ x: 0.98, y: 0.6, label: "chance (AUC = 0.5)" }] },
    mark: { type: "text", color: BASELINE_COLOR, align: "right", baseline: "top", fontSize: 11 },
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, text: { field: "label" } },
  };
  return Chart.render({ ...base, layer: [curveLayer(rows, names, "False positive rate", "True positive rate"), diagonal, chanceLabel] });
}

/**
 * Precision-recall curves (sklearn's `precision_recall_curve`, drawn as steps) of one or more
 * detectors, with each curve's average precision in the legend and the prevalence baseline
 * (the precision of flagging everything: the share of outliers in yTrue).
 *
 * @example
 * ```ts
 * display(await prCurveChart(yTest, { KNN: knnScores, MCD: mcdScores }, { title: "Precision-recall, test set" }));
 * ```
 */
export async function prCurveChart(yTrue: VectorInput, scores: CurveScores, options: CurveChartOptions = {}): Promise<Chart> {
  const digits = checkDigits(options.digits, "prCurveChart");
  const base = baseSpec("prCurveChart", options, { title: "Precision-recall curve" });
  const rows: CurveRow[] = [];
  const names: string[] = [];
  for (const [name, values] of namedScores(scores, options.name, "prCurveChart")) {
    const { precision, recall } = precisionRecallCurve(yTrue, values);
    const label = `${name} (AP = ${averagePrecision(yTrue, values).toFixed(digits)})`;
    names.push(label);
    // Drawn as steps (sklearn's plots use drawstyle="steps-post"): thin the corners of the staircase.
    const steps = stepAfterVertices(recall, precision);
    for (const row of thinnedRows(label, steps.x, steps.y, base)) rows.push(row);
  }
  const truth = toBinaryLabels(yTrue, "yTrue");
  const prevalence = truth.reduce((sum, label) => sum + label, 0) / truth.length;
  const baseline = {
    data: { values: [{ prevalence }] },
    mark: { type: "rule", color: HIGHLIGHT_COLOR, strokeDash: [5, 4], strokeWidth: 1 },
    encoding: { y: { field: "prevalence", type: "quantitative" } },
  };
  const baselineLabel = {
    data: { values: [{ prevalence, label: `prevalence = ${prevalence.toFixed(digits)}` }] },
    mark: { type: "text", color: HIGHLIGHT_COLOR, align: "left", baseline: "top", dy: 3, x: 4, fontSize: 11 },
    encoding: { y: { field: "prevalence", type: "quantitative" }, text: { field: "label" } },
  };
  return Chart.render({ ...base, layer: [curveLayer(rows, names, "Recall", "Precision"), baseline, baselineLabel] });
}

interface CurveRow {
  curve: string;
  x: number;
  y: number;
  order: number;
}

/**
 * One curve's vertices in the unit square, thinned to what the plot's pixels show (see thin.ts) and
 * rounded to a tenth of a pixel: the same picture from a few hundred points instead of one per score.
 */
function thinnedRows(curve: string, x: ArrayLike<number>, y: ArrayLike<number>, spec: { width?: unknown; height?: unknown }): CurveRow[] {
  const xExtent: AxisExtent = { min: 0, max: 1, pixels: Number(spec.width) };
  const yExtent: AxisExtent = { min: 0, max: 1, pixels: Number(spec.height) };
  const [xDigits, yDigits] = [decimalsForPixels(xExtent), decimalsForPixels(yExtent)];
  return simplifyPolyline(x, y, xExtent, yExtent).map((i, order) => ({
    curve,
    x: roundTo(x[i]!, xDigits),
    y: roundTo(y[i]!, yDigits),
    order,
  }));
}

function curveLayer(rows: CurveRow[], names: string[], xTitle: string, yTitle: string) {
  const unit = { domain: [0, 1], nice: false };
  return {
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2, interpolate: "linear", clip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle, scale: unit },
      y: { field: "y", type: "quantitative", title: yTitle, scale: unit },
      color: { field: "curve", type: "nominal", title: null, sort: names, legend: { symbolType: "stroke" } },
      order: { field: "order", type: "quantitative" },
    },
  };
}

/** `[name, scores]` pairs: one unnamed vector, or the entries of a `{ name: scores }` record. */
function namedScores(scores: CurveScores, name: string | undefined, chart: string): Array<[string, VectorInput]> {
  if (scores === null || typeof scores !== "object") {
    throw new TypeError(`${chart}: scores must be an array of scores or an object { name: scores }`);
  }
  const isVector = typeof (scores as ArrayLike<number>).length === "number" || typeof (scores as { toArray?: unknown }).toArray === "function";
  if (isVector) return [[name ?? "scores", scores as VectorInput]];
  const entries = Object.entries(scores as Record<string, VectorInput>);
  if (entries.length === 0) throw new RangeError(`${chart}: scores is an empty object; give { name: scores }`);
  return entries;
}

function checkDigits(digits: number | undefined, chart: string): number {
  if (digits === undefined) return 3;
  if (!Number.isSafeInteger(digits) || digits < 0 || digits > 10) {
    throw new RangeError(`${chart}: digits must be an integer between 0 and 10, got ${digits}`);
  }
  return digits;
}
