// Numeric options given as strings (a value read from a form, a CSV or an environment variable) must be
// reported as strings, not printed as if they were the number: `contamination: "0.1"` once failed with
// "must be in (0, 0.5], got 0.1", which reads as if 0.1 were out of range (issue #22, item 16).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ECODDetector } from "../src/detectors/ecod";
import { EllipticEnvelopeDetector } from "../src/detectors/elliptic-envelope";
import { HBOSDetector } from "../src/detectors/hbos";
import { IForestDetector } from "../src/detectors/iforest";
import { kmeans } from "../src/cluster/kmeans";
import { KMeansDetector } from "../src/detectors/kmeans-detector";
import { KNNDetector } from "../src/detectors/knn";
import { LOFDetector } from "../src/detectors/lof";
import { MahalanobisDetector } from "../src/detectors/mahalanobis";
import { MCDDetector, minCovDet } from "../src/detectors/mcd";
import { OCSVMDetector } from "../src/detectors/ocsvm";
import { PCADetector } from "../src/detectors/pca";
import { IQRDetector, MADDetector, ZScoreDetector } from "../src/detectors/univariate";
import { toMatrix } from "../src/core/matrix";
import { kNearest } from "../src/neighbors/k-nearest";
import { recallAtAlarmRate } from "../src/evaluation/alarm-rate";
import { alarmSummary } from "../src/evaluation/alarms";
import { precisionAtN } from "../src/evaluation/ranking";
import { costOptimalThreshold, meanPlusStdThreshold } from "../src/evaluation/threshold";

/** A string where a number belongs, typed as the option's type (as untyped notebook code passes it). */
const text = (value: string) => value as unknown as number;

/** The message every numeric check gives for a string: "<name> must be <expected>, got the string "<value>"". */
function stringMessage(name: string, value: string, expected = "a number"): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${escape(name)} must be ${escape(expected)}, got the string "${escape(value)}"`);
}

/** What every `seed` option takes (an integer seed or a generator). */
const SEED_EXPECTED = "an integer between 0 and 2**32 - 1 or a RandomState";

const X = toMatrix([[0, 1], [1, 0], [2, 2], [3, 1], [1, 3], [2, 0], [0, 2], [3, 3]]);

describe("numeric options given as strings are reported as strings", () => {
  it('contamination: "0.1" fails with: contamination must be a number, got the string "0.1" (every detector)', () => {
    const constructors = [
      KNNDetector, LOFDetector, IForestDetector, HBOSDetector, ECODDetector, PCADetector, MCDDetector, EllipticEnvelopeDetector,
      OCSVMDetector, KMeansDetector, MahalanobisDetector, ZScoreDetector, MADDetector, IQRDetector,
    ];
    for (const Detector of constructors) {
      assert.throws(() => new Detector({ contamination: text("0.1") }), stringMessage("contamination", "0.1"), Detector.name);
    }
  });

  it('integer options (nNeighbors, threads, nEstimators, nBins, k, iter, ddof, maxIter, nSelectedComponents) fail with: <name> must be an integer >= <minimum>, got the string "<value>"', () => {
    const cases: [() => unknown, string, string, number][] = [
      [() => new KNNDetector({ nNeighbors: text("5") }), "nNeighbors", "5", 1],
      [() => new KNNDetector({ threads: text("2") }), "threads", "2", 1],
      [() => new LOFDetector({ nNeighbors: text("20") }), "nNeighbors", "20", 1],
      [() => new IForestDetector({ nEstimators: text("100") }), "nEstimators", "100", 1],
      [() => new HBOSDetector({ nBins: text("10") }), "nBins", "10", 2],
      [() => new KMeansDetector({ k: text("4") }), "k", "4", 1],
      [() => new KMeansDetector({ iter: text("20") }), "iter", "20", 1],
      [() => new KMeansDetector({ threads: text("2") }), "threads", "2", 1],
      [() => new MCDDetector({ threads: text("2") }), "threads", "2", 1],
      [() => new MahalanobisDetector({ ddof: text("1") }), "MahalanobisDetector: ddof", "1", 0],
      [() => new OCSVMDetector({ maxIter: text("10") }), "maxIter", "10", 1],
      [() => new PCADetector({ nSelectedComponents: text("1") }), "nSelectedComponents", "1", 1],
      [() => new PCADetector({ threads: text("2") }), "threads", "2", 1],
      [() => kNearest(X, X, text("3")), "k", "3", 1],
      [() => kmeans(X, 2, { iter: text("5") }), "iter", "5", 1],
      [() => minCovDet(X, { threads: text("2") }), "threads", "2", 1],
    ];
    for (const [make, name, value, minimum] of cases) {
      assert.throws(make, stringMessage(name, value, `an integer >= ${minimum}`), `${name}: "${value}"`);
    }
  });

  it('real-valued options fail with: <name> must be a finite number, got the string "<value>"', () => {
    const cases: [() => unknown, string, string][] = [
      [() => new HBOSDetector({ alpha: text("0.1") }), "alpha", "0.1"],
      [() => new HBOSDetector({ tol: text("0.5") }), "tol", "0.5"],
      [() => new OCSVMDetector({ nu: text("0.5") }), "nu", "0.5"],
      [() => new OCSVMDetector({ tol: text("0.001") }), "tol", "0.001"],
      [() => new OCSVMDetector({ cacheSize: text("200") }), "cacheSize", "200"],
      [() => new KMeansDetector({ thresh: text("1e-5") }), "thresh", "1e-5"],
      [() => kmeans(X, 2, { thresh: text("1e-5") }), "thresh", "1e-5"],
      [() => new MahalanobisDetector({ threshold: { meanMultiple: text("3") } }), "MahalanobisDetector: threshold.meanMultiple", "3"],
      [() => new ZScoreDetector({ threshold: { fixed: text("3") } }), "ZScoreDetector: threshold.fixed", "3"],
      [() => new IQRDetector({ k: text("1.5") }), "k", "1.5"],
    ];
    for (const [make, name, value] of cases) assert.throws(make, stringMessage(name, value, "a finite number"), `${name}: "${value}"`);
  });

  it("options that also take a keyword, a fraction or a generator say so and name the string (gamma, maxSamples, maxFeatures, nComponents, supportFraction, seed)", () => {
    const cases: [() => unknown, string, string, string][] = [
      [() => new OCSVMDetector({ gamma: text("0.1") }), "gamma", "0.1", '"auto", "scale" or a finite number'],
      [() => new IForestDetector({ maxSamples: text("0.5") }), "maxSamples", "0.5", '"auto" or a number'],
      [() => new IForestDetector({ maxFeatures: text("1") }), "maxFeatures", "1", "a number"],
      [() => new PCADetector({ nComponents: text("0.5") }), "nComponents", "0.5", "a fraction in (0, 1) or an integer >= 1"],
      [() => new MCDDetector({ supportFraction: text("0.75") }), "supportFraction", "0.75", "a number in (0, 1]"],
      [() => minCovDet(X, { supportFraction: text("0.75") }), "supportFraction", "0.75", "a number in (0, 1]"],
      [() => kmeans(X, 2, { seed: text("7") }), "kmeans: seed", "7", SEED_EXPECTED],
      [() => new IForestDetector({ seed: text("0") }), "IForestDetector: seed", "0", SEED_EXPECTED],
      [() => new KMeansDetector({ seed: text("3") }), "KMeansDetector: seed", "3", SEED_EXPECTED],
      [() => new MCDDetector({ seed: text("3") }), "MCDDetector: seed", "3", SEED_EXPECTED],
      [() => minCovDet(X, { seed: text("7") }), "minCovDet: seed", "7", SEED_EXPECTED],
    ];
    for (const [make, name, value, expected] of cases) assert.throws(make, stringMessage(name, value, expected), `${name}: "${value}"`);
  });

  it('predict(X, { threshold: "1" }) fails with: threshold must be a finite number, got the string "1"', () => {
    const knn = new KNNDetector({ nNeighbors: 2 }).fit(X);
    assert.throws(() => knn.predict(X, { threshold: text("1") }), stringMessage("threshold", "1", "a finite number"));
  });

  it("evaluation options (costs, k, rate, threshold, n) name the string", () => {
    const y = [0, 0, 1, 0];
    const s = [0.1, 0.2, 0.9, 0.3];
    const cases: [() => unknown, string, string, string][] = [
      [() => costOptimalThreshold(y, s, { costFalseNegative: text("10"), costFalsePositive: 1 }), "costFalseNegative", "10", "a finite number"],
      [() => costOptimalThreshold(y, s, { costFalseNegative: 10, costFalsePositive: text("1") }), "costFalsePositive", "1", "a finite number"],
      [() => meanPlusStdThreshold(s, text("1")), "meanPlusStdThreshold: k", "1", "a finite number"],
      [() => recallAtAlarmRate(y, s, text("0.25")), "recallAtAlarmRate: rate", "0.25", "a share in [0, 1]"],
      [() => precisionAtN(y, s, { n: text("1") }), "precisionAtN: n", "1", "an integer between 1 and 4"],
      [() => alarmSummary([new Date(0)], [1], text("0.5"), [new Date(0), new Date(0)]), "alarmSummary: threshold", "0.5", "a finite number"],
    ];
    for (const [make, name, value, expected] of cases) assert.throws(make, stringMessage(name, value, expected), `${name}: "${value}"`);
  });
});
