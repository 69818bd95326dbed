/**
 * Chi-square quantiles for the MCD's consistency correction and reweighting cut-off
 * (scipy's `chi2(df).isf(q)`), from the regularized incomplete gamma function.
 */

const EPSILON = Number.EPSILON;

/**
 * The value exceeded with probability `q` by a chi-square variable with `df` degrees of freedom:
 * scipy's `chi2(df).isf(q)`, accurate to ~1e-14 relative for the q used by robust covariance
 * (0.5 and 0.025). Solved by safeguarded Newton steps on the regularized upper gamma function.
 *
 * @example chiSquareIsf(0.5, 2); // 1.3862943611198906 (= 2 ln 2, the median)
 */
export function chiSquareIsf(q: number, df: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`chiSquareIsf: q must be in (0, 1), got ${q}`);
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`chiSquareIsf: df must be a positive number, got ${df}`);
  const a = df / 2;
  // Solve Q(a, x) = q for x = chi2 / 2, bracketed in [low, high].
  let low = 0;
  let high = Infinity;
  let x = Math.max(wilsonHilferty(q, df) / 2, 1e-3 * a);
  for (let iteration = 0; iteration < 200; iteration++) {
    const excess = upperRegularizedGamma(a, x) - q; // decreasing in x
    if (excess > 0) low = x;
    else high = x;
    const density = Math.exp((a - 1) * Math.log(x) - x - logGamma(a));
    let next = x + excess / density;
    if (!(next > low && next < high)) next = Number.isFinite(high) ? (low + high) / 2 : 2 * x;
    if (Math.abs(next - x) <= 4 * EPSILON * x) return 2 * next;
    x = next;
  }
  return 2 * x;
}

/** Q(a, x) = Gamma(a, x) / Gamma(a): series for P when x < a + 1, continued fraction otherwise. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return 1 - sum * Math.exp(logPrefactor);
  }
  // Modified Lentz evaluation of the continued fraction for Gamma(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefactor) * h;
}

/** ln Gamma(a) for a > 0 (Lanczos approximation, g = 607/128, ~1e-15 relative). */
export function logGamma(a: number): number {
  const coefficients = [
    57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
    0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
    -0.210264441724104883e-3, 0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4,
    -0.261908384015814087e-4, 0.368991826595316234e-5,
  ];
  let y = a;
  const shifted = a + 5.2421875;
  const head = (a + 0.5) * Math.log(shifted) - shifted;
  let series = 0.999999999999997092;
  for (const coefficient of coefficients) series += coefficient / ++y;
  return head + Math.log((2.5066282746310005 * series) / a);
}

/** Wilson-Hilferty starting point: chi2 ~ df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3. */
function wilsonHilferty(q: number, df: number): number {
  const z = normalQuantile(1 - q);
  const spread = 2 / (9 * df);
  return df * Math.max(1 - spread + z * Math.sqrt(spread), 0.01) ** 3;
}

/** Standard normal quantile (Acklam's rational approximation, ~1e-9; only a starting point here). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (r: number) =>
    (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const s = p - 0.5;
  const r = s * s;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
