/**
 * The `threshold` option, one spelling for every detector (issue #23): where the score threshold goes, learned
 * from the training scores at fit time. Labels, predictions and time-series alarms all flag `score > threshold`
 * (PyOD's `labels_` rule), so a score exactly at the threshold is an inlier everywhere.
 */
import { warnDeprecated } from "./deprecation";
import { percentile } from "./percentile";
import { checkContamination, checkFiniteNumber, checkNumberType, describeValue } from "./validation";

/**
 * Where a detector puts its threshold (one rule, one key):
 * - `{ contamination: c }`: PyOD's rule, the `1 - c` percentile of the training scores (numpy's linear
 *   interpolation), so about a share c of the training rows are outliers; c in (0, 0.5]. The `contamination`
 *   option is the same rule, written as PyOD writes it;
 * - `{ quantile: q }`: the q-quantile of the training scores, q in [0, 1] (`{ quantile: 1 - c }` is
 *   `{ contamination: c }`);
 * - `{ fixed: t }`: a threshold chosen by hand (the credit-card tutorial's 2.9, the z-score rule's 3);
 * - `{ meanPlusStd: k }`: mean + k standard deviations (numpy's, ddof 0) of the training scores (TensorFlow's
 *   ECG tutorial: k = 1);
 * - `{ meanMultiple: k }`: k times the mean training score (V. Flovik's condition-monitoring rule: 3), k > 0.
 *
 * @example
 * new IForestDetector({ seed: 0, threshold: { fixed: 0.6 } });
 * new AutoencoderDetector({ threshold: { meanPlusStd: 1 } });
 * new KNNDetector({ contamination: 0.05 }); // = threshold: { contamination: 0.05 } = { quantile: 0.95 }
 */
export type ThresholdRule =
  | { readonly contamination: number }
  | { readonly quantile: number }
  | { readonly fixed: number }
  | { readonly meanPlusStd: number }
  | { readonly meanMultiple: number };

/** The threshold options of every detector. */
export interface ThresholdOptions {
  /** Expected share of outliers in the training data, in (0, 0.5]: PyOD's `threshold: { contamination }`. */
  contamination?: number;
  /** Where the threshold goes (see {@link ThresholdRule}); default `{ contamination: 0.1 }` (PyOD's). */
  threshold?: ThresholdRule;
}

/** PyOD's default: the 90th percentile of the training scores. */
export const DEFAULT_THRESHOLD: ThresholdRule = { contamination: 0.1 };

const RULES = "{ contamination: c }, { quantile: q }, { fixed: t }, { meanPlusStd: k } or { meanMultiple: k }";

/**
 * A checked copy of one threshold rule; anything else (two keys, an unknown key, a bad value) throws, naming the
 * option and the value.
 * @example checkThresholdRule({ fixed: 3 }, "ZScoreDetector"); // { fixed: 3 }
 */
export function checkThresholdRule(rule: unknown, context: string): ThresholdRule {
  const keys = typeof rule === "object" && rule !== null && !Array.isArray(rule) ? Object.keys(rule) : [];
  if (keys.length !== 1) {
    const given = keys.length > 1 ? JSON.stringify(rule) : describeValue(rule);
    throw new TypeError(`${context}: threshold must be one of ${RULES}, got ${given}`);
  }
  const key = keys[0];
  const value = (rule as Record<string, unknown>)[key];
  const name = `${context}: threshold.${key}`;
  switch (key) {
    case "contamination":
      return { contamination: checkContamination(value as number) };
    case "quantile":
      checkNumberType(value, name, "a number in [0, 1]");
      if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
      return { quantile: value };
    case "fixed":
      return { fixed: checkFiniteNumber(value as number, name) };
    case "meanPlusStd":
      return { meanPlusStd: checkFiniteNumber(value as number, name) };
    case "meanMultiple":
      return { meanMultiple: checkFiniteNumber(value as number, name, 0) };
    default:
      throw new TypeError(`${context}: threshold must be one of ${RULES}, got ${JSON.stringify(rule)}`);
  }
}

/**
 * A rule as it is written in options.
 * @example describeThresholdRule({ fixed: 2.9 }); // "{ fixed: 2.9 }"
 */
export function describeThresholdRule(rule: ThresholdRule): string {
  const [[key, value]] = Object.entries(rule);
  return `{ ${key}: ${String(value)} }`;
}

/**
 * The rule of a detector's options: `threshold`, or `contamination` (PyOD's shorthand), or `defaultRule`;
 * both together throw. The old spellings `threshold: t` (a number: `{ fixed: t }`) and `threshold: null`
 * (the contamination rule) of the one-column rule detectors still work, with one deprecation warning.
 * @example resolveThreshold({ contamination: 0.05 }, "KNNDetector"); // { contamination: 0.05 }
 */
export function resolveThreshold(
  options: { readonly contamination?: unknown; readonly threshold?: unknown },
  context: string,
  defaultRule: ThresholdRule = DEFAULT_THRESHOLD,
): ThresholdRule {
  const { contamination } = options;
  let { threshold } = options;
  if (threshold === null) {
    const c = contamination ?? 0.1;
    const replacement = `threshold: { contamination: ${String(c)} } (or contamination: ${String(c)})`;
    warnDeprecated("threshold: null", "threshold: null", replacement);
    threshold = undefined;
  } else if (typeof threshold === "number") {
    warnDeprecated("threshold: number", `threshold: ${threshold} (a number)`, `threshold: { fixed: ${threshold} }`);
    threshold = { fixed: threshold };
  }
  if (threshold !== undefined && contamination !== undefined) {
    const why = "contamination: c is threshold: { contamination: c }";
    throw new TypeError(`${context}: pass either contamination or threshold, not both (${why})`);
  }
  if (threshold !== undefined) return checkThresholdRule(threshold, context);
  if (contamination !== undefined) return { contamination: checkContamination(contamination as number) };
  return options.threshold === null ? DEFAULT_THRESHOLD : defaultRule;
}

/**
 * The `threshold` of a detector that has no training scores (a time-series detector scores a stream without a
 * fit): `{ fixed: t }` or `defaultValue`. Rules that need training scores throw, saying so; a plain number
 * (the old spelling) works with one deprecation warning.
 * @example fixedThreshold({ fixed: 0.9 }, "RollingZScoreDetector", 0.5); // 0.9
 */
export function fixedThreshold(threshold: unknown, context: string, defaultValue: number): number {
  if (threshold === undefined) return defaultValue;
  if (typeof threshold === "number") {
    warnDeprecated("threshold: number", `threshold: ${threshold} (a number)`, `threshold: { fixed: ${threshold} }`);
    return threshold;
  }
  const rule = checkThresholdRule(threshold, context);
  if ("fixed" in rule) return rule.fixed;
  const key = Object.keys(rule)[0];
  const why = "needs training scores, and a time-series detector scores a stream without a fit";
  throw new RangeError(`${context}: threshold { ${key} } ${why}: use { fixed: t }`);
}

/**
 * The threshold `rule` places on `trainingScores` (see {@link ThresholdRule}).
 * @example thresholdOf({ quantile: 0.5 }, Float64Array.of(1, 2, 3, 4)); // 2.5
 */
export function thresholdOf(rule: ThresholdRule, trainingScores: Float64Array): number {
  if ("fixed" in rule) return rule.fixed;
  if ("contamination" in rule) return percentile(trainingScores, 100 * (1 - rule.contamination));
  if ("quantile" in rule) return percentile(trainingScores, 100 * rule.quantile);
  let sum = 0;
  for (const value of trainingScores) sum += value;
  if ("meanMultiple" in rule) return (rule.meanMultiple * sum) / trainingScores.length;
  const mean = sum / trainingScores.length;
  let squares = 0;
  for (const value of trainingScores) squares += (value - mean) ** 2;
  return mean + rule.meanPlusStd * Math.sqrt(squares / trainingScores.length); // numpy std, ddof 0
}

/**
 * 1 where `score > threshold`, else 0: the one comparison of labels, predictions and alarms.
 * @example aboveThreshold(Float64Array.of(0.2, 0.5, 0.9), 0.5); // Uint8Array [0, 0, 1]
 */
export function aboveThreshold(scores: ArrayLike<number>, threshold: number): Uint8Array {
  // A plain loop: Uint8Array.from(scores, fn) walks an iterator and calls fn per value (~10 ms per 100k rows).
  const labels = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) labels[i] = scores[i] > threshold ? 1 : 0;
  return labels;
}
