// Numenta's anomaly likelihood against nupic's own anomaly_likelihood.py (fixture), and as a wrapper
// around a streaming detector.
import { strict as assert } from "node:assert";
import { describe as suite, test } from "node:test";
import { AnomalyLikelihood, LikelihoodDetector } from "../src/timeseries/anomaly-likelihood";
import { ContextOseDetector } from "../src/timeseries/cad-ose";
import { streamScores } from "../src/timeseries/stream";
import { readFixture } from "./helpers/fixtures";

const reference = readFixture("anomaly_likelihood.json") as {
  values: number[];
  raw: number[];
  cases: { params: { learningPeriod: number; estimationSamples: number; historicWindowSize: number; reestimationPeriod: number }; probabilities: number[] }[];
  logScale: [number, number][];
};

suite("anomaly likelihood against nupic's AnomalyLikelihood", () => {
  for (const { params, probabilities } of reference.cases) {
    test(`anomalyProbability on 1,400 raw scores within 1e-14, ${JSON.stringify(params)}`, () => {
      const likelihood = new AnomalyLikelihood(params);
      let worst = 0;
      reference.raw.forEach((raw, i) => {
        const ours = likelihood.probability(reference.values[i]!, raw);
        const diff = Math.abs(ours - probabilities[i]!);
        if (!(diff <= 1e-14)) assert.fail(`point ${i}: ${ours} vs ${probabilities[i]}`);
        worst = Math.max(worst, diff);
      });
      assert.ok(probabilities.some((p) => p > 0.9999), "the fixture reaches the red zone");
    });
  }

  test("computeLogLikelihood", () => {
    for (const [p, expected] of reference.logScale) assert.ok(Math.abs(AnomalyLikelihood.logScale(p) - expected) <= 1e-15, `${p}`);
  });

  test("a state copied mid-stream continues with identical probabilities (Object.is)", () => {
    const params = reference.cases[2]!.params;
    const a = new AnomalyLikelihood(params);
    for (let i = 0; i < 700; i++) a.probability(reference.values[i]!, reference.raw[i]!);
    const b = AnomalyLikelihood.fromState(JSON.parse(JSON.stringify(a.state())));
    for (let i = 700; i < reference.raw.length; i++) {
      const [x, y] = [a.probability(reference.values[i]!, reference.raw[i]!), b.probability(reference.values[i]!, reference.raw[i]!)];
      assert.ok(Object.is(x, y), `point ${i}: ${x} vs ${y}`);
    }
  });

  test("bad options and scores are named", () => {
    assert.throws(() => new AnomalyLikelihood({ reestimationPeriod: 0 }), /option reestimationPeriod must be an integer >= 1, got 0/);
    assert.throws(() => new AnomalyLikelihood({ learningPeriod: 0, estimationSamples: 0 }), /learningPeriod \+ estimationSamples must be at least 1/);
    assert.throws(() => new AnomalyLikelihood({ estimationSamples: 9000 }), /estimationSamples \(9000\) exceeds historicWindowSize \(8640\)/);
    assert.throws(() => new AnomalyLikelihood().probability(1, NaN), /raw score NaN at point 0/);
  });
});

suite("LikelihoodDetector", () => {
  test("wraps a streaming detector: 0.5's log score through the probation, then the likelihood of its raw scores", () => {
    const values = Array.from({ length: 2000 }, (_, i) => Math.sin(i / 10) + (i === 1500 ? 5 : 0));
    const detector = new LikelihoodDetector(new ContextOseDetector());
    const scores = streamScores(detector, values);
    const probation = 300; // 15% of 2000
    assert.ok(scores.subarray(0, probation).every((s) => s === AnomalyLikelihood.logScale(0.5)));
    const raw = streamScores(new ContextOseDetector(), values);
    const likelihood = new AnomalyLikelihood({ learningPeriod: 150, estimationSamples: 150, reestimationPeriod: 100 });
    const expected = raw.map((r, i) => AnomalyLikelihood.logScale(likelihood.probability(values[i]!, r)));
    assert.deepEqual(Array.from(scores), Array.from(expected));
    const restored = detector.restore(JSON.parse(JSON.stringify(detector.open({ min: -1, max: 6, length: 2000 }).snapshot())));
    assert.equal(typeof restored.update(0, 1), "number");
  });
});
