// The detector contract (test/detectors-fitted-state.test.ts) for the PyOD lineup detectors: the "not fitted"
// guard names the subclass, every array handed out is a copy, and a failed fit leaves the detector unfitted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Detector } from "../src/core/detector";
import { createMatrix, type Matrix } from "../src/core/matrix";
import { ABODDetector } from "../src/detectors/abod";
import { CBLOFDetector } from "../src/detectors/cblof";
import { COFDetector } from "../src/detectors/cof";
import { COPODDetector } from "../src/detectors/copod";
import { FeatureBaggingDetector } from "../src/detectors/feature-bagging";
import { GMMDetector } from "../src/detectors/gmm";
import { INNEDetector } from "../src/detectors/inne";
import { KDEDetector } from "../src/detectors/kde";
import { LODADetector } from "../src/detectors/loda";
import { SODDetector } from "../src/detectors/sod";
import { RandomState } from "../src/random/random-state";

type Constructor = new (options?: object) => Detector;

/** Each class, the options it is built with, and its own fitted accessors (copies where they are arrays). */
/** `failing`: data the detector itself refuses (past input validation), where there is such data. */
const LINEUP: { Class: Constructor; options: object; accessors: ((d: never) => unknown)[]; failing?: number[][] }[] = [
  { Class: ABODDetector, options: {}, accessors: [(d: ABODDetector) => d.effectiveNeighbors], failing: [[0, 0, 0], [1, 1, 1], [2, 2, 2]] },
  {
    Class: CBLOFDetector,
    options: { seed: 0 },
    accessors: [(d: CBLOFDetector) => d.clusterCenters.data, (d: CBLOFDetector) => d.largeClusters],
    failing: [[0, 0, 0], [1, 1, 1]],
  },
  { Class: FeatureBaggingDetector, options: { seed: 0 }, accessors: [(d: FeatureBaggingDetector) => d.featureSubsets[0]], failing: [[0], [1], [2]] },
  { Class: COPODDetector, options: {}, accessors: [] },
  {
    Class: LODADetector,
    options: { seed: 0 },
    accessors: [(d: LODADetector) => d.projections, (d: LODADetector) => d.limits, (d: LODADetector) => d.histograms],
  },
  { Class: COFDetector, options: {}, accessors: [(d: COFDetector) => d.effectiveNeighbors], failing: [[0, 0, 0]] },
  { Class: SODDetector, options: {}, accessors: [], failing: [[0, 0, 0], [1, 1, 1]] },
  { Class: INNEDetector, options: { seed: 0 }, accessors: [(d: INNEDetector) => d.maxSamplesUsed], failing: [[0, 0, 0]] },
  { Class: KDEDetector, options: {}, accessors: [(d: KDEDetector) => d.bandwidthUsed] },
  {
    Class: GMMDetector,
    options: { nComponents: 2, seed: 0 },
    accessors: [(d: GMMDetector) => d.weights, (d: GMMDetector) => d.means],
    failing: [[0, 0, 0]],
  },
];

function sample(rows: number, cols: number, seed: number): Matrix {
  const data = new RandomState(seed).standardNormal(rows * cols);
  data[0] = 8; // one clear outlier
  return createMatrix(rows, cols, data);
}

describe("the PyOD lineup detectors keep the detector contract", () => {
  for (const { Class, options, accessors, failing } of LINEUP) {
    it(`${Class.name}: before fit, every accessor of a subclass throws "<subclass> is not fitted: call fit(X) first"`, () => {
      const subclassName = `My${Class.name}`;
      const Sub = { [subclassName]: class extends Class {} }[subclassName];
      const detector = new Sub(options);
      const message = new RegExp(`^${subclassName} is not fitted: call fit\\(X\\) first$`);
      assert.equal(detector.isFitted, false);
      const common = [(d: Detector) => d.threshold, (d: Detector) => d.trainingScores, (d: Detector) => d.labels, (d: Detector) => d.score(sample(30, 3, 1))];
      for (const accessor of [...common, ...accessors]) {
        assert.throws(() => (accessor as (d: Detector) => unknown)(detector), (error: Error) => message.test(error.message), `${accessor}`);
      }
    });

    it(`${Class.name}: writing into what it hands out (scores, labels, accessors' arrays, the caller's X) changes nothing`, () => {
      const X = sample(60, 3, 7);
      const newRows = sample(30, 3, 8); // COF and SOD score a batch among its own rows: more than 20 of them
      const detector = new Class(options);
      const labelsFromFit = detector.fitPredict(X);
      const scores = Array.from(detector.trainingScores);
      const threshold = detector.threshold;
      const newScores = Array.from(detector.score(newRows));
      const own = accessors.map((accessor) => JSON.stringify(Array.from((accessor as (d: Detector) => ArrayLike<number> | number)(detector) as ArrayLike<number>)));
      labelsFromFit.fill(7);
      detector.trainingScores.fill(-1);
      detector.labels.fill(9);
      for (const accessor of accessors) {
        const value = (accessor as (d: Detector) => unknown)(detector);
        if (ArrayBuffer.isView(value)) (value as Float64Array).fill(-3);
      }
      X.data.fill(3);
      assert.deepEqual(Array.from(detector.trainingScores), scores);
      assert.equal(detector.threshold, threshold);
      assert.deepEqual(Array.from(detector.score(newRows)), newScores);
      assert.deepEqual(accessors.map((accessor) => JSON.stringify(Array.from((accessor as (d: Detector) => ArrayLike<number> | number)(detector) as ArrayLike<number>))), own);
      const probabilities = detector.predictProba(newRows);
      assert.ok(probabilities.every((p) => p >= 0 && p <= 1));
    });

    if (failing !== undefined) {
      it(`${Class.name}: a fit the detector refuses (${failing.length} x ${failing[0].length}) leaves it unfitted, not holding the previous model`, () => {
        const detector = new Class(options).fit(sample(60, 3, 2));
        assert.throws(() => detector.fit(failing), RangeError);
        assert.equal(detector.isFitted, false);
      });
    }
  }
});
