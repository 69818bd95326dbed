// CBLOFDetector = PyOD CBLOF (scikit-learn KMeans, 8 clusters, alpha 0.9, beta 5, no weights): fixtures from
// test/reference/detectors_lineup.py, run with PyOD 3.6.7 / scikit-learn 1.9.1 themselves.
//
// k-means draws from our numpy-compatible RandomState, so the same seed gives scikit-learn's clustering: labels
// equal, centres within 1e-13 relative (scikit-learn's BLAS products and thread-split sums differ from our
// in-order sums in the last bits; measured 2.5e-15), scores within 1e-12 relative (measured 4e-16).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CBLOFDetector } from "../src/detectors/cblof";
import { sklearnKMeans } from "../src/cluster/sklearn-kmeans";
import { RandomState } from "../src/random/random-state";
import { withoutDenseKernels } from "../src/linalg/dense-kernels";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, assertRelativeClose, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_cblof.json");
const SEED = reference.seed as number;

interface CblofCase extends LineupOutcome {
  clusterLabels: number[];
  clusterCenters: number[][];
  largeClusters: number[];
  options?: { n_clusters: number; alpha: number; beta: number; use_weights: boolean; random_state: number };
}

describe("CBLOFDetector (PyOD CBLOF)", () => {
  for (const dataset of [synthetic, cardio]) {
    const c = reference[dataset.name] as CblofCase;

    it(`${dataset.name}: sklearnKMeans with seed ${SEED} gives scikit-learn KMeans(8, random_state=${SEED})'s labels exactly and centres within 1e-13 relative`, () => {
      const { centers, labels } = sklearnKMeans(dataset.X, 8, new RandomState(SEED));
      assert.deepEqual(Array.from(labels), c.clusterLabels);
      assertRelativeClose(centers.data, c.clusterCenters.flat(), 1e-13, "centres");
    });

    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}: same large clusters as PyOD, training and new-row scores and threshold within 1e-12 relative, labels and predictions equal`, () => {
      const cblof = new CBLOFDetector({ seed: SEED }).fit(dataset.X);
      assert.deepEqual(Array.from(cblof.largeClusters), c.largeClusters);
      assertLineupOutcome(cblof, c, dataset.XNew, 1e-12, dataset.name);
    });
  }

  // 2,500 rows: past the 1,024-row chunks the WebAssembly path copies the rows in; 13 features and 9 clusters: odd.
  const normal = { rows: 2500, cols: 13, data: new RandomState(3).standardNormal(2500 * 13) };
  for (const [name, X, k] of [["cardio", cardio.X, 10], ["2500 x 13 normal", normal, 9]] as const) {
    it(`${name}, ${k} clusters: sklearnKMeans's WebAssembly path (dense.c nearest_centres, dot_rows) gives the TypeScript path's labels and centres bit for bit`, () => {
      const wasm = sklearnKMeans(X, k, new RandomState(SEED));
      const plain = withoutDenseKernels(() => sklearnKMeans(X, k, new RandomState(SEED)));
      assert.equal(wasm.iterations, plain.iterations);
      assert.deepEqual(wasm.labels, plain.labels);
      assert.ok(wasm.centers.data.every((value, p) => Object.is(value, plain.centers.data[p])), "centres differ");
    });
  }

  it("cardio with 5 clusters, alpha 0.8, beta 3, useWeights, seed 7: large clusters, scores within 1e-12 relative and labels as PyOD", () => {
    const c = reference.weighted as CblofCase;
    const o = c.options as NonNullable<CblofCase["options"]>;
    const cblof = new CBLOFDetector({ nClusters: o.n_clusters, alpha: o.alpha, beta: o.beta, useWeights: o.use_weights, seed: o.random_state }).fit(cardio.X);
    assert.deepEqual(Array.from(cblof.largeClusters), c.largeClusters);
    assertLineupOutcome(cblof, c, cardio.XNew, 1e-12, "weighted");
  });

  it("a shared RandomState advances between fits; a seed restarts each fit", () => {
    const seeded = new CBLOFDetector({ seed: SEED });
    assert.deepEqual(seeded.fit(synthetic.X).trainingScores, seeded.fit(synthetic.X).trainingScores);
    const shared = new CBLOFDetector({ seed: new RandomState(SEED) });
    assert.deepEqual(shared.fit(synthetic.X).trainingScores, seeded.trainingScores); // first draw = seed's
    assert.notDeepEqual(shared.fit(synthetic.X).trainingScores, seeded.trainingScores);
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new CBLOFDetector({ alpha: 1 }), /alpha must be in \(0, 1\), got 1/);
    assert.throws(() => new CBLOFDetector({ alpha: 0 }), /alpha must be greater than 0, got 0/);
    assert.throws(() => new CBLOFDetector({ beta: 1 }), /beta must be greater than 1, got 1/);
    assert.throws(() => new CBLOFDetector({ nClusters: 1 }), /nClusters must be an integer >= 2, got 1/);
    assert.throws(() => new CBLOFDetector({ seed: 1, random: new RandomState(1) }), /pass either seed or random, not both/);
    assert.throws(() => new CBLOFDetector().fit([[0, 0], [1, 1], [2, 2]]), /needs at least nClusters \(8\) training rows, got 3/);
    assert.throws(() => new CBLOFDetector({ seed: 0 }).fit([[0, 0], [1, NaN]]), /NaN/);
    // Two clusters of equal size: no boundary holds 90% of the rows, and the size ratio 1 is below beta.
    const twoBlobs = [[0, 0], [0, 0.1], [0.1, 0], [10, 10], [10, 10.1], [10.1, 10]];
    assert.throws(() => new CBLOFDetector({ nClusters: 2, seed: 0 }).fit(twoBlobs), /could not separate large from small clusters \(sizes 3, 3; alpha 0.9, beta 5\)/);
  });
});
