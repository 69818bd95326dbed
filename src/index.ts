// Public API of anomaly-lab. Notebooks import everything from here by package name:
//   import { salaryData, describe, display, histogram, KNNDetector } from "anomaly-lab";
export * from "./core";
export * from "./random";
export * from "./data";
export { salaryData, type SalaryDataOptions } from "./data/salary";
export * from "./eda";
export * from "./detectors";
export * from "./evaluation";
export * from "./preprocessing";
export * from "./supervised";
export * from "./display";
export * from "./plots";
export { isQuickMode, byRunMode } from "./reports/run-mode";
export { TutorialComparison, type ComparedQuantity, type ComparisonRow } from "./reports/tutorial-comparison";
export { clearOutput, type ClearOutputOptions } from "./kernel/output";
export { kernelSpec, type KernelSpec, type KernelSpecOptions } from "./kernel/kernelspec";
