// LODADetector = PyOD LODA (10 bins, 100 random cuts): fixtures from test/reference/detectors_lineup.py, run with
// PyOD 3.6.7 itself.
//
// The projections come from our numpy-compatible RandomState with PyOD's draws (randn, then one permutation per
// cut): equal to PyOD's to the last bit except where V8's Math.log rounds differently from glibc's inside the
// polar method (measured: 488 of 500 and 2092 of 2100 entries identical, the rest 1 ulp apart), so within 1e-15
// relative. The histograms are then identical, and the scores are within 1e-12 relative (projections are BLAS
// dot products in numpy; measured 3e-16).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toMatrix } from "../src/core/matrix";
import { LODADetector } from "../src/detectors/loda";
import { RandomState } from "../src/random/random-state";
import { readFixture } from "./helpers/fixtures";
import { assertLineupOutcome, assertRelativeClose, cardio, type LineupOutcome, synthetic } from "./helpers/lineup";

const reference = readFixture("detectors_loda.json");
const SEED = reference.seed as number;

interface LodaCase extends LineupOutcome {
  projections: number[][];
  limits: number[][];
  histograms: number[][];
  X?: number[][];
  XNew?: number[][];
}

function assertLodaCase(loda: LODADetector, c: LodaCase, XNew: Parameters<LODADetector["score"]>[0], label: string): void {
  assertRelativeClose(loda.projections, c.projections.flat(), 1e-15, `${label} projections`);
  assert.deepEqual(Array.from(loda.histograms), c.histograms.flat(), `${label} histograms`);
  assertRelativeClose(loda.limits, c.limits.flat(), 1e-12, `${label} histogram edges`);
  assertLineupOutcome(loda, c, toMatrix(XNew), 1e-12, label);
}

describe("LODADetector (PyOD LODA)", () => {
  for (const dataset of [synthetic, cardio]) {
    it(`${dataset.name} ${dataset.X.rows} x ${dataset.X.cols}, seed ${SEED}: PyOD's projections (1e-15 relative), identical histograms, scores and threshold within 1e-12 relative, labels equal`, () => {
      assertLodaCase(new LODADetector({ seed: SEED }).fit(dataset.X), reference[dataset.name], dataset.XNew, dataset.name);
    });
  }

  it("5 bins, 20 cuts, seed 1, a constant column (constant projections get numpy's +-0.5 range): as PyOD", () => {
    const c = reference.constantProjections as LodaCase;
    assertLodaCase(new LODADetector({ nBins: 5, nRandomCuts: 20, seed: 1 }).fit(c.X as number[][]), c, c.XNew as number[][], "constant");
  });

  it("a shared RandomState advances between fits; a seed restarts each fit", () => {
    const seeded = new LODADetector({ seed: SEED }).fit(synthetic.X);
    const shared = new LODADetector({ seed: new RandomState(SEED) });
    assert.deepEqual(shared.fit(synthetic.X).projections, seeded.projections);
    assert.notDeepEqual(shared.fit(synthetic.X).projections, seeded.projections);
  });

  it("rejects bad options and data with errors naming the problem", () => {
    assert.throws(() => new LODADetector({ nBins: 0 }), /nBins must be an integer >= 1, got 0/);
    assert.throws(() => new LODADetector({ nBins: "auto" as never }), /nBins must be an integer >= 1, got the string "auto"/);
    assert.throws(() => new LODADetector({ nRandomCuts: 2.5 }), /nRandomCuts must be an integer >= 1, got 2.5/);
    assert.throws(() => new LODADetector({ seed: -1 }), /seed/);
    assert.throws(() => new LODADetector({ seed: 1, random: new RandomState(1) }), /pass either seed or random, not both/);
    assert.throws(() => new LODADetector({ seed: 0 }).fit([[0, 0], [NaN, 1]]), /NaN/);
    assert.throws(() => new LODADetector({ seed: 0 }).fit(synthetic.X).score([[1]]), /X has 1 columns, but LODADetector was fitted on 5 columns/);
  });
});
