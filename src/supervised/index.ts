// Supervised learning: classifiers that learn from labels (a baseline to compare detectors with).
export { RandomForestClassifier, type RandomForestOptions } from "./random-forest";
