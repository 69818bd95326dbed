// The NAB leaders reproduced as streaming detectors, the RCF entry and ours, as `npm run nab` runs them.
import type { NabCorpusSeries } from "../data/nab-corpus";
import { AgreementDetector } from "./agreement";
import { ArtimeDetector } from "./artime/artime";
import { ContextOseDetector } from "./cad-ose";
import type { NabEntry } from "./nab-benchmark";
import { RandomCutForestDetector } from "./rcf";

/**
 * anomaly-lab's NAB entry ({@link anomalyLabNabDetector}), CAD OSE (NAB's contextOSE), ARTime
 * and a robust random cut forest, as `runNabBenchmark` entries. `nabValues` (key → values, from nabValuesAsNabReadThem) feeds the two reproductions
 * the numbers NAB's own CSV reader produced, so their output equals the published one row for row.
 *
 * @example
 * const rows = runNabBenchmark(corpus, nabLeaderEntries());
 */
export function nabLeaderEntries(nabValues?: ReadonlyMap<string, ArrayLike<number>>): NabEntry[] {
  const values = nabValues === undefined ? undefined : (s: NabCorpusSeries): ArrayLike<number> => nabValues.get(s.key) ?? s.values;
  const forest = new RandomCutForestDetector();
  return [
    { name: "ours: ARTime confirmed by CAD OSE", stream: anomalyLabNabDetector(), values },
    { name: "CAD OSE (contextOSE)", stream: new ContextOseDetector(), values },
    { name: "ARTime", stream: new ArtimeDetector(), values },
    { name: forest.name, stream: forest },
  ];
}

/**
 * anomaly-lab's NAB entry, one parameter set for every file: ARTime's alarms scaled by
 * (1 + CAD OSE's highest score over the last 50 points) / 2.
 *
 * @example streamScores(anomalyLabNabDetector(), taxi.values, taxi.timestamps);
 */
export function anomalyLabNabDetector(): AgreementDetector {
  return new AgreementDetector(new ArtimeDetector(), new ContextOseDetector(), { window: 50, weight: 0.5 });
}
