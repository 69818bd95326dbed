export { Chart, type VegaLiteSpec } from "./chart";
export type { ChartOptions } from "./spec-defaults";
export type { Category, CategoryInput, AxisInput } from "./chart-input";
export { histogram, type HistogramOptions } from "./histogram";
export { boxplot, type BoxplotOptions } from "./boxplot";
export { scatter, type ScatterData, type ScatterOptions } from "./scatter";
export { lineChart, type LineChartData, type LineChartOptions } from "./line-chart";
export { barChart, classCountsChart, type BarChartData, type BarChartOptions } from "./bar-chart";
export { vegaLiteChart } from "./vega-lite-chart";
