import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import type { Matrix } from "../core/matrix";
import type { DetectorParams } from "../persistence/params";
import { encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Bandwidth of {@link KDEDetector}: a positive number, or scikit-learn's rules of thumb. */
export type KDEBandwidth = number | "scott" | "silverman";

/** Hyper-parameters of {@link KDEDetector}; defaults are PyOD's. */
export interface KDEOptions extends DetectorOptions {
  /**
   * Gaussian kernel bandwidth h (default 1.0), or "scott" (n^(-1/(d+4))) / "silverman"
   * ((n (d + 2) / 4)^(-1/(d+4))), computed on the training rows as scikit-learn does.
   */
  bandwidth?: KDEBandwidth;
}

const LOG_2PI = Math.log(2 * Math.PI);

interface KDEModel {
  readonly train: Matrix;
  readonly bandwidth: number;
}

/**
 * Kernel density outlier detector, PyOD's `KDE` = scikit-learn `KernelDensity` (Gaussian kernel,
 * Euclidean distance): the score of a row is minus the log of the estimated density,
 * `-log( (1/n) sum_i N(x; x_i, h^2 I) )`, so rows in low-density regions score high. Training rows are
 * scored against all training rows, themselves included (as PyOD does).
 *
 * The density is summed exactly in log space (log-sum-exp over every training row); scikit-learn gets the same
 * value from its k-d tree with zero tolerance, through a sequence of log-space bound updates that round
 * differently, so scores agree to ~1e-13 relative. No density underflows: a row far from all others gets a
 * large finite score, as in scikit-learn.
 *
 * Assumes features on comparable scales (standardise first: the bandwidth is the same in every direction).
 * Defaults: `bandwidth = 1`, `contamination = 0.1`.
 * Complexity: O(n m d) to score m rows (brute force, exact); the fit keeps the training rows.
 *
 * @example
 * const kde = new KDEDetector({ bandwidth: 0.5, contamination: 0.05 }).fit(X);
 * kde.trainingScores; // -log density
 * kde.predict(XNew);
 */
export class KDEDetector extends BaseDetector<KDEModel> {
  readonly bandwidth: KDEBandwidth;

  constructor(options: KDEOptions = {}) {
    super(options);
    const bandwidth = options.bandwidth ?? 1;
    if (bandwidth !== "scott" && bandwidth !== "silverman" && !(typeof bandwidth === "number" && Number.isFinite(bandwidth) && bandwidth > 0)) {
      throw new RangeError(`bandwidth must be a positive number, "scott" or "silverman", got ${String(bandwidth)}`);
    }
    this.bandwidth = bandwidth;
  }

  protected override ownParams(): DetectorParams {
    return { bandwidth: this.bandwidth };
  }

  /** The training rows (the kernel centres) and the bandwidth used. */
  protected override saveState(): Record<string, unknown> {
    return { train: encodeMatrix(this.model.train), bandwidth: this.model.bandwidth };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    this.model = { train: state.matrix("train", fit), bandwidth: state.number("bandwidth", { above: 0 }) };
  }

  /** The bandwidth used by the last fit (scikit-learn's `bandwidth_`). */
  get bandwidthUsed(): number {
    return this.model.bandwidth;
  }

  protected fitScores(X: Matrix): Float64Array {
    const { rows: n, cols: d } = X;
    let bandwidth: number;
    if (this.bandwidth === "scott") bandwidth = n ** (-1 / (d + 4));
    else if (this.bandwidth === "silverman") bandwidth = ((n * (d + 2)) / 4) ** (-1 / (d + 4));
    else bandwidth = this.bandwidth;
    this.model = { train: X, bandwidth };
    return this.decisionScores(X);
  }

  protected decisionScores(X: Matrix): Float64Array {
    const { train, bandwidth: h } = this.model;
    const { rows: n, cols: d } = train;
    // scikit-learn's _log_kernel_norm for the Gaussian kernel, then log(n) for the mean.
    const logNorm = -(0.5 * d * LOG_2PI) - d * Math.log(h);
    const logN = Math.log(n);
    const logKernels = new Float64Array(n);
    const scores = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      let largest = -Infinity;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < d; j++) {
          const difference = X.data[q * d + j] - train.data[i * d + j];
          sum += difference * difference;
        }
        const distance = Math.sqrt(sum);
        logKernels[i] = (-0.5 * (distance * distance)) / (h * h);
        if (logKernels[i] > largest) largest = logKernels[i];
      }
      let total = 0;
      for (let i = 0; i < n; i++) total += Math.exp(logKernels[i] - largest);
      scores[q] = -(largest + Math.log(total) + logNorm - logN);
    }
    return scores;
  }
}
