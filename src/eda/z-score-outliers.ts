/** The z-score rule: distance from the mean in standard deviations. */
import { mean, standardDeviation } from "./moments";
import { toFiniteNumbers, type NumericInput } from "./numeric-input";

/** Result of {@link zScoreOutliers}. */
export interface ZScoreOutliers {
  mean: number;
  std: number;
  /** (x - mean) / std for every value, as `scipy.stats.zscore(x, ddof=ddof)`. */
  z: Float64Array;
  /** 1 where |z| > threshold, 0 elsewhere. */
  flags: Uint8Array;
  /** Positions of the outliers, ascending. */
  indices: number[];
}

/**
 * Flags values whose |z-score| exceeds `threshold` (default 3). z-scores follow
 * `scipy.stats.zscore` (population std, ddof = 0, unless told otherwise).
 * Throws when the std is 0 (all values equal), since z is then undefined.
 *
 * @example
 * ```ts
 * const { z, indices } = zScoreOutliers(salaries);           // threshold 3
 * zScoreOutliers(salaries, { threshold: 2.5, ddof: 1 });
 * ```
 */
export function zScoreOutliers(
  values: NumericInput,
  options: { threshold?: number; ddof?: number } = {},
): ZScoreOutliers {
  const threshold = options.threshold ?? 3;
  const ddof = options.ddof ?? 0;
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0) {
    throw new RangeError(`zScoreOutliers: threshold must be a finite number >= 0, got ${String(threshold)}`);
  }
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`zScoreOutliers: ddof must be a non-negative integer, got ${String(ddof)}`);
  }
  const data = toFiniteNumbers(values, "zScoreOutliers(values)");
  if (data.length - ddof <= 0) {
    throw new RangeError(`zScoreOutliers: need more than ddof=${ddof} values, got ${data.length}`);
  }
  const center = mean(data);
  const std = standardDeviation(data, ddof, center);
  if (std === 0) {
    throw new RangeError(`zScoreOutliers: standard deviation is 0 (all ${data.length} values equal ${data[0]}); z-scores are undefined`);
  }
  const z = data.map((value) => (value - center) / std);
  const flags = new Uint8Array(data.length);
  const indices: number[] = [];
  z.forEach((score, i) => {
    if (Math.abs(score) > threshold) {
      flags[i] = 1;
      indices.push(i);
    }
  });
  return { mean: center, std, z, flags, indices };
}
