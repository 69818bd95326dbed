export { toFiniteNumbers, type NumericInput } from "./numeric-input";
export { quantile, quantiles } from "./quantile";
export { describe, DESCRIBE_STATISTICS } from "./describe";
export { valueCounts } from "./value-counts";
export { iqrOutliers, type IqrOutliers } from "./iqr-outliers";
export { zScoreOutliers, type ZScoreOutliers } from "./z-score-outliers";
