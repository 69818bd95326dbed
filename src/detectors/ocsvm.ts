import { BaseDetector, type DetectorOptions, type FitShape } from "../core/detector";
import { createMatrix, type Matrix } from "../core/matrix";
import { numpySum } from "../core/summation";
import { checkFiniteNumber, checkInteger, checkNumberType } from "../core/validation";
import { denseKernels } from "../linalg/dense-kernels";
import { RbfKernelRows } from "../svm/kernel-cache";
import { solveOneClassSvm } from "../svm/one-class-smo";
import type { DetectorParams } from "../persistence/params";
import { encodeArray, encodeMatrix, type StateReader } from "../persistence/state-codec";

/** Hyper-parameters of {@link OCSVMDetector}; defaults are PyOD's `OCSVM` (RBF kernel). */
export interface OCSVMOptions extends DetectorOptions {
  /**
   * RBF width in K(x, y) = exp(-gamma ||x - y||^2): a positive number, "auto" = 1 / p (PyOD's
   * default) or "scale" = 1 / (p * variance of all values of X) (scikit-learn's default).
   */
  gamma?: number | "auto" | "scale";
  /** Upper bound on the share of training errors and lower bound on the share of support vectors, in (0, 1] (default 0.5). */
  nu?: number;
  /** Stopping tolerance of the solver (default 1e-3). */
  tol?: number;
  /** libsvm's shrinking heuristic (default true). */
  shrinking?: boolean;
  /** Kernel cache size in MB (default 200, as sklearn); bounds the solver's memory. */
  cacheSize?: number;
  /** Iteration limit of the solver; -1 = none (default). */
  maxIter?: number;
}

interface OCSVMModel {
  readonly gamma: number;
  /** Support vectors (training rows with a_i > 0), in row order. */
  readonly supportVectors: Matrix;
  readonly supportIndices: Int32Array;
  readonly dualCoef: Float64Array;
  readonly rho: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * One-class SVM outlier detector with an RBF kernel, PyOD's `OCSVM` (sklearn `OneClassSVM`,
 * libsvm): finds the smallest region in kernel space that holds all but a `nu` share of the
 * training rows; the score is minus sklearn's decision function, `rho - sum_i a_i K(x_i, x)`,
 * so rows outside the region score above 0.
 *
 * The dual is solved by libsvm's SMO algorithm reimplemented step for step ({@link solveOneClassSvm}:
 * WSS3 working-set selection, shrinking, rho), with float32 kernel rows like libsvm, so it takes
 * the same steps: the support vectors, dual coefficients and rho equal sklearn's, and the decision
 * values agree to ~1e-13 (test/detectors-ocsvm.test.ts asserts 1e-9 relative, room for a last-bit
 * difference in exp or a BLAS dot product on sklearn's side).
 *
 * Assumes features on comparable scales (standardise first). Complexity: O(iterations * n)
 * plus one O(n p) kernel row per cache miss to fit, with iterations typically a few times n;
 * memory O(n) plus the kernel cache (`cacheSize` MB; the full n x n matrix is never formed
 * unless it fits). Scoring is O(m * nSV * p).
 *
 * @example
 * const ocsvm = new OCSVMDetector({ nu: 0.1, gamma: "scale" }).fit(XTrainScaled);
 * ocsvm.score(XTestScaled); // > 0 outside the learned region
 */
export class OCSVMDetector extends BaseDetector<OCSVMModel> {
  readonly gamma: number | "auto" | "scale";
  readonly nu: number;
  readonly tol: number;
  readonly shrinking: boolean;
  readonly cacheSize: number;
  readonly maxIter: number;

  constructor(options: OCSVMOptions = {}) {
    super(options);
    this.gamma = options.gamma ?? "auto";
    if (this.gamma !== "auto" && this.gamma !== "scale") {
      checkNumberType(this.gamma, "gamma", '"auto", "scale" or a finite number');
      checkFiniteNumber(this.gamma, "gamma", 0);
    }
    this.nu = checkFiniteNumber(options.nu ?? 0.5, "nu", 0);
    if (this.nu > 1) throw new RangeError(`nu must be in (0, 1], got ${this.nu}`);
    this.tol = checkFiniteNumber(options.tol ?? 1e-3, "tol", 0);
    this.shrinking = options.shrinking ?? true;
    this.cacheSize = checkFiniteNumber(options.cacheSize ?? 200, "cacheSize", 0);
    this.maxIter = options.maxIter ?? -1;
    if (this.maxIter !== -1) checkInteger(this.maxIter, "maxIter");
  }

  protected override ownParams(): DetectorParams {
    const { gamma, nu, tol, shrinking, cacheSize, maxIter } = this;
    return { gamma, nu, tol, shrinking, cacheSize, maxIter };
  }

  /** The RBF gamma used, the support vectors with their row numbers and dual coefficients, rho, the solver's run. */
  protected override saveState(): Record<string, unknown> {
    const model = this.model;
    return {
      gamma: model.gamma,
      supportVectors: encodeMatrix(model.supportVectors),
      supportIndices: encodeArray(model.supportIndices),
      dualCoef: encodeArray(model.dualCoef),
      rho: model.rho,
      iterations: model.iterations,
      converged: model.converged,
    };
  }

  protected override loadState(state: StateReader, fit: FitShape): void {
    const supportVectors = state.matrix("supportVectors", { cols: fit.cols });
    const count = supportVectors.rows;
    this.model = {
      gamma: state.number("gamma", { above: 0 }),
      supportVectors,
      supportIndices: state.int32("supportIndices", { length: count, min: 0, max: fit.rows - 1 }),
      dualCoef: state.float64("dualCoef", { length: count }),
      rho: state.number("rho"),
      iterations: state.count("iterations"),
      converged: state.boolean("converged"),
    };
  }

  /** The RBF gamma used by the fitted model (sklearn `_gamma`). */
  get fittedGamma(): number {
    return this.model.gamma;
  }

  /** Row numbers of the support vectors (sklearn `support_`). */
  get supportIndices(): Int32Array {
    return this.model.supportIndices.slice();
  }

  /** a_i of the support vectors (sklearn `dual_coef_[0]`). */
  get dualCoef(): Float64Array {
    return this.model.dualCoef.slice();
  }

  /** Offset of the decision function (sklearn `offset_`, = -`intercept_`). */
  get rho(): number {
    return this.model.rho;
  }

  /** SMO iterations of the last fit. */
  get iterations(): number {
    return this.model.iterations;
  }

  /** False when `maxIter` stopped the solver before the tolerance was met (sklearn warns). */
  get converged(): boolean {
    return this.model.converged;
  }

  /** The RBF kernel squares distances (gamma "scale" the variance): the base refuses values whose squares overflow. */
  protected override get squaresValues(): boolean {
    return true;
  }

  protected fitScores(X: Matrix): Float64Array {
    if (X.rows < 2) throw new RangeError(`OCSVMDetector needs at least 2 rows, got ${X.rows}`);
    const gamma = resolveGamma(this.gamma, X);
    const kernel = new RbfKernelRows(X, gamma, this.cacheSize * 2 ** 20);
    const solution = solveOneClassSvm(kernel, {
      nu: this.nu,
      tolerance: this.tol,
      shrinking: this.shrinking,
      maxIterations: this.maxIter,
    });
    const support: number[] = [];
    solution.alpha.forEach((value, i) => {
      if (Math.abs(value) > 0) support.push(i);
    });
    const p = X.cols;
    const vectors = new Float64Array(support.length * p);
    support.forEach((row, k) => vectors.set(X.data.subarray(row * p, (row + 1) * p), k * p));
    this.model = {
      gamma,
      supportVectors: createMatrix(support.length, p, vectors),
      supportIndices: Int32Array.from(support),
      dualCoef: Float64Array.from(support, (row) => solution.alpha[row]),
      rho: solution.rho,
      iterations: solution.iterations,
      converged: !solution.hitIterationLimit,
    };
    return this.decisionScores(X);
  }

  /**
   * -(sum_k a_k exp(-gamma ||x - sv_k||^2) - rho), libsvm's prediction arithmetic (squared
   * differences summed over features in order, terms added in support-vector order). Four
   * support vectors at a time keep four independent sums in flight without changing any sum.
   */
  protected decisionScores(X: Matrix): Float64Array {
    const { supportVectors, dualCoef, rho, gamma } = this.model;
    const p = X.cols;
    const sv = supportVectors.data;
    const nSV = supportVectors.rows;
    const scores = new Float64Array(X.rows);
    const kernels = denseKernels();
    if (kernels !== null) {
      // The squared distances in WebAssembly SIMD (the same sums), the exponentials and their sum here.
      kernels.squaredDistances(X.data, X.rows, p, sv, nSV, (from, size, squared, stride) => {
        for (let r = 0; r < size; r++) {
          let sum = 0;
          for (let k = 0; k < nSV; k++) sum += dualCoef[k] * Math.exp(-gamma * squared[r * stride + k]);
          scores[from + r] = -(sum - rho);
        }
      });
      return scores;
    }
    for (let i = 0; i < X.rows; i++) {
      const x = X.data.subarray(i * p, (i + 1) * p);
      let sum = 0;
      let k = 0;
      for (; k + 3 < nSV; k += 4) {
        const o0 = k * p;
        const o1 = o0 + p;
        const o2 = o1 + p;
        const o3 = o2 + p;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < p; j++) {
          const value = x[j];
          const d0 = value - sv[o0 + j];
          const d1 = value - sv[o1 + j];
          const d2 = value - sv[o2 + j];
          const d3 = value - sv[o3 + j];
          s0 += d0 * d0;
          s1 += d1 * d1;
          s2 += d2 * d2;
          s3 += d3 * d3;
        }
        sum += dualCoef[k] * Math.exp(-gamma * s0);
        sum += dualCoef[k + 1] * Math.exp(-gamma * s1);
        sum += dualCoef[k + 2] * Math.exp(-gamma * s2);
        sum += dualCoef[k + 3] * Math.exp(-gamma * s3);
      }
      for (; k < nSV; k++) {
        let squared = 0;
        for (let j = 0; j < p; j++) {
          const difference = x[j] - sv[k * p + j];
          squared += difference * difference;
        }
        sum += dualCoef[k] * Math.exp(-gamma * squared);
      }
      scores[i] = -(sum - rho);
    }
    return scores;
  }
}

/** sklearn: "auto" = 1 / p; "scale" = 1 / (p * X.var()) (1 when the variance is 0). */
function resolveGamma(gamma: number | "auto" | "scale", X: Matrix): number {
  if (gamma === "auto") return 1 / X.cols;
  if (gamma !== "scale") return gamma;
  const n = X.data.length;
  const mean = numpySum(X.data) / n;
  const squares = X.data.map((value) => (value - mean) * (value - mean));
  const variance = numpySum(squares) / n;
  return variance !== 0 ? 1 / (X.cols * variance) : 1;
}
