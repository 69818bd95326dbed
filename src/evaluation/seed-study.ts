/**
 * Deep detectors vary from seed to seed, so one run says little. `evaluateOverSeeds` fits each detector once
 * per seed on the same training rows, scores the same test rows, and reports ROC-AUC and average precision
 * as mean ± standard deviation over the seeds, with the mean fit time; `paired` compares two detectors seed
 * by seed (same seed, same split), which is how an "A beats B" claim should be checked.
 */
import type { AnyDetector } from "../core/detector";
import type { MatrixInput } from "../core/matrix";
import { table } from "../display/table";
import type { Displayable } from "../display/mime";
import type { VectorInput } from "./inputs";
import { averagePrecision } from "./pr-curve";
import { rocAuc } from "./ranking";

/** One fit-and-score. */
export interface SeedRun {
  detector: string;
  seed: number;
  rocAuc: number;
  averagePrecision: number;
  /** Wall seconds of `fit`. */
  fitSeconds: number;
}

/** One detector over all seeds (standard deviations with ddof = 1; 0 for a single seed). */
export interface SeedSummary {
  detector: string;
  runs: number;
  rocAucMean: number;
  rocAucStd: number;
  averagePrecisionMean: number;
  averagePrecisionStd: number;
  fitSecondsMean: number;
}

/** Two detectors compared seed by seed. */
export interface PairedComparison {
  a: string;
  b: string;
  metric: "rocAuc" | "averagePrecision";
  /** a − b per seed, in seed order. */
  differences: number[];
  meanDifference: number;
  /** Seeds where a scored higher than b. */
  aWins: number;
  seeds: number;
}

export class SeedStudy {
  constructor(
    readonly runs: readonly SeedRun[],
    readonly seeds: readonly number[],
  ) {}

  /** Detectors in the order they ran. */
  get detectors(): string[] {
    return [...new Set(this.runs.map((run) => run.detector))];
  }

  get summary(): SeedSummary[] {
    return this.detectors.map((detector) => {
      const runs = this.runs.filter((run) => run.detector === detector);
      const [auc, aucStd] = meanStd(runs.map((run) => run.rocAuc));
      const [ap, apStd] = meanStd(runs.map((run) => run.averagePrecision));
      return { detector, runs: runs.length, rocAucMean: auc, rocAucStd: aucStd, averagePrecisionMean: ap, averagePrecisionStd: apStd, fitSecondsMean: meanStd(runs.map((run) => run.fitSeconds))[0] };
    });
  }

  /** The summary as a table: "mean ± std" per metric, mean fit seconds. */
  table(options: { digits?: number; sortBy?: "rocAuc" | "averagePrecision" | "none" } = {}): Displayable {
    const digits = options.digits ?? 3;
    const rows = this.summary;
    if (options.sortBy === "rocAuc") rows.sort((x, y) => y.rocAucMean - x.rocAucMean);
    if (options.sortBy === "averagePrecision") rows.sort((x, y) => y.averagePrecisionMean - x.averagePrecisionMean);
    return table(
      rows.map((row) => ({
        detector: row.detector,
        "ROC-AUC": `${row.rocAucMean.toFixed(digits)} ± ${row.rocAucStd.toFixed(digits)}`,
        "average precision": `${row.averagePrecisionMean.toFixed(digits)} ± ${row.averagePrecisionStd.toFixed(digits)}`,
        "fit seconds": Number(row.fitSecondsMean.toFixed(1)),
        seeds: row.runs,
      })),
    );
  }

  /** `a` against `b` on the same seeds: differences a − b, their mean, and how often a won. */
  paired(a: string, b: string, metric: "rocAuc" | "averagePrecision" = "rocAuc"): PairedComparison {
    const of = (name: string): Map<number, number> => {
      const runs = this.runs.filter((run) => run.detector === name);
      if (runs.length === 0) throw new RangeError(`SeedStudy.paired: no runs of "${name}" (detectors: ${this.detectors.join(", ")})`);
      return new Map(runs.map((run) => [run.seed, run[metric]]));
    };
    const [left, right] = [of(a), of(b)];
    const seeds = this.seeds.filter((seed) => left.has(seed) && right.has(seed));
    const differences = seeds.map((seed) => left.get(seed)! - right.get(seed)!);
    return {
      a,
      b,
      metric,
      differences,
      meanDifference: differences.reduce((sum, d) => sum + d, 0) / Math.max(1, differences.length),
      aWins: differences.filter((d) => d > 0).length,
      seeds: seeds.length,
    };
  }
}

/**
 * What a seed study runs: a detector to clone with each seed (`detector.clone({ seed })`, scikit-learn's
 * `clone(est).set_params(random_state=seed)`), or a function that builds one for a seed.
 */
export type SeedStudyDetector = AnyDetector | ((seed: number) => AnyDetector);

/**
 * Fits every detector once per seed on `train`, scores `test` against `yTest` (1 = anomaly), disposes deep
 * detectors' weights after each run. A detector given as an instance is cloned for each seed with its `seed`
 * option set (its other options kept; a class without a seed option, such as ECODDetector, is deterministic and
 * gives the same run for every seed); a function builds one per seed. `onRun` sees every run as it finishes.
 *
 * @example
 * ```ts
 * const study = await evaluateOverSeeds(
 *   { IForest: new IForestDetector({ nEstimators: 200 }), VAE: new VAEDetector({ epochs: 10 }) },
 *   { train: XTrainNormal, test: XTest, yTest }, [0, 1, 2]);
 * display(study.table());
 * ```
 */
export async function evaluateOverSeeds(
  detectors: Record<string, SeedStudyDetector>,
  data: { train: MatrixInput; test: MatrixInput; yTest: VectorInput },
  seeds: readonly number[],
  options: { onRun?: (run: SeedRun) => void } = {},
): Promise<SeedStudy> {
  if (seeds.length === 0) throw new RangeError("evaluateOverSeeds: give at least one seed");
  if (Object.keys(detectors).length === 0) throw new RangeError("evaluateOverSeeds: give at least one detector");
  const runs: SeedRun[] = [];
  for (const [name, make] of Object.entries(detectors)) {
    for (const seed of seeds) {
      const detector = typeof make === "function" ? make(seed) : withSeed(make, seed);
      const started = performance.now();
      await detector.fit(data.train);
      const fitSeconds = (performance.now() - started) / 1000;
      const scores = detector.score(data.test);
      (detector as { dispose?: () => void }).dispose?.();
      const run = { detector: name, seed, rocAuc: rocAuc(data.yTest, scores), averagePrecision: averagePrecision(data.yTest, scores), fitSeconds };
      runs.push(run);
      options.onRun?.(run);
    }
  }
  return new SeedStudy(runs, seeds);
}

/** A clone of `detector` with `seed` (unchanged options otherwise); a class without a seed option: a plain clone. */
function withSeed(detector: AnyDetector, seed: number): AnyDetector {
  return "seed" in detector.getParams() ? detector.clone({ seed }) : detector.clone();
}

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return [mean, 0];
  return [mean, Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))];
}
