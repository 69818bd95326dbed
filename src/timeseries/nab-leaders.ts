// The NAB leaders reproduced as streaming detectors, and the RCF entry, as `npm run nab` runs them.
import type { NabCorpusSeries } from "../data/nab-corpus";
import { ArtimeDetector } from "./artime/artime";
import { ContextOseDetector } from "./cad-ose";
import type { NabEntry } from "./nab-benchmark";
import { RandomCutForestDetector } from "./rcf";

/**
 * CAD OSE (NAB's contextOSE), ARTime and a robust random cut forest, as `runNabBenchmark`
 * entries. `nabValues` (key → values, from nabValuesAsNabReadThem) feeds the two reproductions
 * the numbers NAB's own CSV reader produced, so their output equals the published one row for row.
 *
 * @example
 * const rows = runNabBenchmark(corpus, nabLeaderEntries());
 */
export function nabLeaderEntries(nabValues?: ReadonlyMap<string, ArrayLike<number>>): NabEntry[] {
  const values = nabValues === undefined ? undefined : (s: NabCorpusSeries): ArrayLike<number> => nabValues.get(s.key) ?? s.values;
  const forest = new RandomCutForestDetector();
  return [
    { name: "CAD OSE (contextOSE)", stream: new ContextOseDetector(), values },
    { name: "ARTime", stream: new ArtimeDetector(), values },
    { name: forest.name, stream: forest },
  ];
}
