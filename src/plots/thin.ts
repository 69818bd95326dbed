/**
 * Thinning dense curves to what the pixels can show. A ROC curve over 100k scores or a 10k-point time
 * series draws the same picture from a few hundred vertices: every vertex dropped here lies within a
 * fraction of a pixel of the line that is drawn, so the chart looks the same while its SVG and its
 * embedded vega-lite data shrink by an order of magnitude.
 */

/** How data units map to pixels along one axis: the data extent drawn across `pixels`. */
export interface AxisExtent {
  min: number;
  max: number;
  pixels: number;
}

/** Default tolerance in pixels: a quarter pixel, invisible even on a 2x (HiDPI) screen. */
export const DEFAULT_TOLERANCE_PX = 0.25;

/** The data extent of `values` drawn across `pixels` (a zero-width extent maps to one pixel per unit). */
export function axisExtent(values: ArrayLike<number>, pixels: number, fixed?: readonly [number, number]): AxisExtent {
  if (fixed !== undefined) return { min: fixed[0], max: fixed[1], pixels };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, pixels };
}

function pixelScale(extent: AxisExtent): number {
  const span = extent.max - extent.min;
  return span > 0 && Number.isFinite(span) ? extent.pixels / span : 1;
}

/** Squared distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistanceSquared(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  let t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * The indices of the vertices to keep so that the polyline through them stays within `tolerancePx`
 * pixels of every dropped vertex (Ramer-Douglas-Peucker, in pixel space). The first and last vertex
 * are always kept; the result is sorted.
 *
 * @example
 * const keep = simplifyPolyline(fpr, tpr, { min: 0, max: 1, pixels: 560 }, { min: 0, max: 1, pixels: 260 });
 * keep.length; // a few hundred for a 20,000-point ROC curve
 */
export function simplifyPolyline(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xExtent: AxisExtent,
  yExtent: AxisExtent,
  tolerancePx: number = DEFAULT_TOLERANCE_PX,
): number[] {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`simplifyPolyline: x has ${n} values but y has ${y.length}`);
  if (!(tolerancePx >= 0)) throw new RangeError(`simplifyPolyline: tolerancePx must be >= 0, got ${tolerancePx}`);
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const sx = pixelScale(xExtent);
  const sy = pixelScale(yExtent);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = (x[i]! - xExtent.min) * sx;
    py[i] = (y[i]! - yExtent.min) * sy;
  }
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const tolerance2 = tolerancePx * tolerancePx;
  // An explicit stack of [first, last] ranges: recursion would overflow on long noisy series.
  const stack: number[] = [0, n - 1];
  while (stack.length > 0) {
    const last = stack.pop()!;
    const first = stack.pop()!;
    let farthest = -1;
    let farthest2 = tolerance2;
    for (let i = first + 1; i < last; i++) {
      const d2 = segmentDistanceSquared(px[i]!, py[i]!, px[first]!, py[first]!, px[last]!, py[last]!);
      if (d2 > farthest2) {
        farthest2 = d2;
        farthest = i;
      }
    }
    if (farthest < 0) continue;
    keep[farthest] = 1;
    if (farthest - first > 1) stack.push(first, farthest);
    if (last - farthest > 1) stack.push(farthest, last);
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) kept.push(i);
  return kept;
}

/**
 * The corners of a step-after curve (d3's curveStepAfter, vega's "step-after": horizontal to the next
 * x, then vertical), so that it can be thinned and drawn as a plain polyline with the same look.
 *
 * @example stepAfterVertices([0, 1], [5, 7]); // { x: [0, 1, 1], y: [5, 5, 7] }
 */
export function stepAfterVertices(x: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; y: number[] } {
  const outX: number[] = [];
  const outY: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i > 0) {
      outX.push(x[i]!);
      outY.push(y[i - 1]!);
    }
    outX.push(x[i]!);
    outY.push(y[i]!);
  }
  return { x: outX, y: outY };
}

/**
 * The number of decimals that resolves a tenth of a pixel on an axis (values rounded to it move by at
 * most 1/20 px): 4 for a 0..1 axis 560 px wide. Shorter numbers in the chart's embedded data, same picture.
 *
 * @example decimalsForPixels({ min: 0, max: 1, pixels: 560 }); // 4
 */
export function decimalsForPixels(extent: AxisExtent): number {
  const span = extent.max - extent.min;
  if (!(span > 0) || !Number.isFinite(span)) return 12;
  const step = span / (extent.pixels * 10);
  return Math.min(12, Math.max(0, Math.ceil(-Math.log10(step))));
}

/**
 * Rounds to `decimals` places (returns a number with a short decimal form, e.g. 0.1235).
 *
 * @example roundTo(0.123456, 4); // 0.1235
 */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
