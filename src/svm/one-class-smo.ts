import { RbfKernelRows } from "./kernel-cache";

/**
 * libsvm's SMO solver (Fan, Chen & Lin, JMLR 2005) specialised to the one-class SVM dual,
 * following scikit-learn's copy of libsvm step for step:
 *
 *   min_a 1/2 a' Q a   subject to  0 <= a_i <= 1,  sum_i a_i = nu * l,   Q_ij = K(x_i, x_j)
 *
 * (libsvm's scaling of Schoelkopf's 0 <= a_i <= 1 / (nu l), sum a_i = 1). Each iteration picks
 * the working pair by second-order information (WSS3), updates it analytically and the
 * gradient in O(active rows); shrinking sets aside bounded variables that are unlikely to move
 * and reconstructs their gradient before the final check. rho is libsvm's `calculate_rho`.
 */

/** Options of {@link solveOneClassSvm}. */
export interface OneClassSmoOptions {
  nu: number;
  /** Stopping tolerance on the maximal violating pair (libsvm `eps`, sklearn `tol`). */
  tolerance: number;
  shrinking: boolean;
  /** Stop after this many iterations (sklearn `max_iter`; -1 = no limit). */
  maxIterations: number;
}

/** Solution of the dual. */
export interface OneClassSmoSolution {
  /** a_i of every training row, in row order (sklearn `dual_coef_` holds the non-zero ones). */
  readonly alpha: Float64Array;
  /** Offset of the decision function sum_i a_i K(x_i, x) - rho. */
  readonly rho: number;
  readonly iterations: number;
  /** Whether maxIterations stopped the solver before convergence. */
  readonly hitIterationLimit: boolean;
}

const LOWER = 0;
const UPPER = 1;
const FREE = 2;
const TAU = 1e-12;
const C = 1; // every a_i <= 1 (sklearn: sample weight 1)

/**
 * Solves the one-class SVM dual over the kernel rows of `kernel`.
 * Complexity: O(iterations * active rows) plus one O(n p) kernel row per cache miss; memory
 * O(n) plus the kernel cache.
 */
export function solveOneClassSvm(kernel: RbfKernelRows, options: OneClassSmoOptions): OneClassSmoSolution {
  const l = kernel.size;
  const eps = options.tolerance;
  const QD = kernel.diagonal; // indexed by original row
  // Per position (libsvm swaps positions when shrinking); active[k] is the row at position k.
  const alpha = new Float64Array(l);
  const status = new Uint8Array(l);
  const G = new Float64Array(l);
  const Gbar = new Float64Array(l);
  const active = new Int32Array(l);
  for (let k = 0; k < l; k++) active[k] = k;

  // sklearn's start: nu * l spread as 1, 1, ..., remainder, 0, ... (accumulated like libsvm).
  let nuL = 0;
  for (let k = 0; k < l; k++) nuL += C * options.nu;
  for (let k = 0; k < l && nuL > 0; k++) {
    alpha[k] = Math.min(C, nuL);
    nuL -= alpha[k];
  }
  const updateStatus = (k: number) => {
    status[k] = alpha[k] >= C ? UPPER : alpha[k] <= 0 ? LOWER : FREE;
  };
  for (let k = 0; k < l; k++) updateStatus(k);
  for (let i = 0; i < l; i++) {
    if (status[i] === LOWER) continue;
    const Qi = kernel.row(i);
    const alphaI = alpha[i];
    // One pass over the row for both sums (each G[j], Gbar[j] gets the same additions in the same order).
    if (status[i] === UPPER) {
      for (let j = 0; j < l; j++) {
        const q = Qi[j];
        G[j] += alphaI * q;
        Gbar[j] += C * q;
      }
    } else {
      for (let j = 0; j < l; j++) G[j] += alphaI * Qi[j];
    }
  }

  let activeSize = l;
  let unshrink = false;

  const swap = (a: number, b: number) => {
    if (a === b) return;
    swapIn(G, a, b);
    swapIn(Gbar, a, b);
    swapIn(alpha, a, b);
    swapIn(status, a, b);
    swapIn(active, a, b);
  };

  const reconstructGradient = () => {
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j];
    let free = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) free++;
    if (free * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = kernel.row(active[i]);
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) G[i] += alpha[j] * Qi[active[j]];
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Qi = kernel.row(active[i]);
        for (let j = activeSize; j < l; j++) G[j] += alpha[i] * Qi[active[j]];
      }
    }
  };

  // WSS3: i maximises -G over I_up; j minimises the second-order decrease over I_low.
  let outI = -1;
  let outJ = -1;
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIndex = -1;
    let GminIndex = -1;
    let objectiveMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (status[t] !== UPPER && -G[t] >= Gmax) {
        Gmax = -G[t];
        GmaxIndex = t;
      }
    }
    if (GmaxIndex !== -1) {
      const i = GmaxIndex;
      const Qi = kernel.row(active[i]);
      const QDi = QD[active[i]];
      for (let j = 0; j < activeSize; j++) {
        if (status[j] === LOWER) continue;
        const gradientDifference = Gmax + G[j];
        if (G[j] >= Gmax2) Gmax2 = G[j];
        if (gradientDifference > 0) {
          const quadratic = QDi + QD[active[j]] - 2.0 * Qi[active[j]];
          const objective = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : TAU);
          if (objective <= objectiveMin) {
            GminIndex = j;
            objectiveMin = objective;
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIndex === -1) return false;
    outI = GmaxIndex;
    outJ = GminIndex;
    return true;
  };

  const beShrunk = (k: number, Gmax1: number, Gmax2: number): boolean =>
    status[k] === UPPER ? -G[k] > Gmax1 : status[k] === LOWER ? G[k] > Gmax2 : false;

  const doShrinking = () => {
    let Gmax1 = -Infinity; // max -G over I_up
    let Gmax2 = -Infinity; // max G over I_low
    for (let k = 0; k < activeSize; k++) {
      if (status[k] !== UPPER && -G[k] >= Gmax1) Gmax1 = -G[k];
      if (status[k] !== LOWER && G[k] >= Gmax2) Gmax2 = G[k];
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let k = 0; k < activeSize; k++) {
      if (!beShrunk(k, Gmax1, Gmax2)) continue;
      activeSize--;
      while (activeSize > k) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) {
          swap(k, activeSize);
          break;
        }
        activeSize--;
      }
    }
  };

  const maxIterations = options.maxIterations < 0 ? Infinity : options.maxIterations;
  let iterations = 0;
  let counter = Math.min(l, 1000) + 1;
  let hitIterationLimit = false;
  for (;;) {
    if (iterations >= maxIterations) {
      hitIterationLimit = true;
      break;
    }
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (options.shrinking) doShrinking();
    }
    if (!selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (!selectWorkingSet()) break;
      counter = 1; // shrink again at the next iteration
    }
    iterations++;

    const i = outI;
    const j = outJ;
    const Qi = kernel.row(active[i]);
    const Qj = kernel.row(active[j]);
    const oldAlphaI = alpha[i];
    const oldAlphaJ = alpha[j];
    let quadratic = QD[active[i]] + QD[active[j]] - 2 * Qi[active[j]];
    if (quadratic <= 0) quadratic = TAU;
    const delta = (G[i] - G[j]) / quadratic;
    const sum = alpha[i] + alpha[j];
    alpha[i] -= delta;
    alpha[j] += delta;
    if (sum > C) {
      if (alpha[i] > C) {
        alpha[i] = C;
        alpha[j] = sum - C;
      }
    } else if (alpha[j] < 0) {
      alpha[j] = 0;
      alpha[i] = sum;
    }
    if (sum > C) {
      if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = sum - C;
      }
    } else if (alpha[i] < 0) {
      alpha[i] = 0;
      alpha[j] = sum;
    }

    const deltaI = alpha[i] - oldAlphaI;
    const deltaJ = alpha[j] - oldAlphaJ;
    for (let k = 0; k < activeSize; k++) {
      const row = active[k];
      G[k] += Qi[row] * deltaI + Qj[row] * deltaJ;
    }

    const wasUpperI = status[i] === UPPER;
    const wasUpperJ = status[j] === UPPER;
    updateStatus(i);
    updateStatus(j);
    if (wasUpperI !== (status[i] === UPPER)) updateGbar(Gbar, Qi, active, wasUpperI ? -C : C);
    if (wasUpperJ !== (status[j] === UPPER)) updateGbar(Gbar, Qj, active, wasUpperJ ? -C : C);
  }

  // libsvm's calculate_rho: the mean gradient of free variables, else the middle of the feasible interval.
  let upperBound = Infinity;
  let lowerBound = -Infinity;
  let free = 0;
  let freeSum = 0;
  for (let k = 0; k < activeSize; k++) {
    if (status[k] === UPPER) lowerBound = Math.max(lowerBound, G[k]);
    else if (status[k] === LOWER) upperBound = Math.min(upperBound, G[k]);
    else {
      free++;
      freeSum += G[k];
    }
  }
  const rho = free > 0 ? freeSum / free : (upperBound + lowerBound) / 2;

  const solution = new Float64Array(l);
  for (let k = 0; k < l; k++) solution[active[k]] = alpha[k];
  return { alpha: solution, rho, iterations, hitIterationLimit };
}

function updateGbar(Gbar: Float64Array, Qi: Float32Array, active: Int32Array, weight: number): void {
  for (let k = 0; k < Gbar.length; k++) Gbar[k] += weight * Qi[active[k]];
}

function swapIn(values: Float64Array | Uint8Array | Int32Array, a: number, b: number): void {
  const held = values[a];
  values[a] = values[b];
  values[b] = held;
}
