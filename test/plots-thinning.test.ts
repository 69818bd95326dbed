// Light charts with the same pictures: dense ROC / PR curves and long series are thinned to what the pixels
// show (src/plots/thin.ts), big vega-lite specs are not embedded, and series colours are far apart.
// "Same picture" is measured on the SVG vega draws: the line of the thinned chart against the line of the
// same chart drawn from every point. Areas are checked against scikit-learn (test/reference/plots_thinning.py).
import { strict as assert } from "node:assert";
import { describe as suite, test } from "node:test";
import { loadNab } from "../src/data/nab";
import { mimeBundleOf } from "../src/display/display";
import { precisionRecallCurve } from "../src/evaluation/pr-curve";
import { rocCurve } from "../src/evaluation/ranking";
import { Chart, VEGA_LITE_MIME, type VegaLiteSpec } from "../src/plots/chart";
import { alarmTimeline } from "../src/plots/alarm-timeline";
import { lineChart } from "../src/plots/line-chart";
import { prCurveChart, rocCurveChart } from "../src/plots/roc-pr";
import { SERIES_COLORS } from "../src/plots/spec-defaults";
import { simplifyPolyline, stepAfterVertices } from "../src/plots/thin";
import { RandomState } from "../src/random";
import { ciede2000, hexToLab, SHARMA_PAIRS } from "./helpers/color";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

interface Reference {
  seed: number;
  n: number;
  rate: number;
  shift: number;
  positives: number;
  rocAuc: number;
  rocPoints: number;
  averagePrecision: number;
  prPoints: number;
  firstScores: number[];
  scoreSum: number;
}

const reference: Reference = readFixture("plots_thinning.json");

/** numpy's RandomState(seed): y = random_sample(n) < rate, scores = standard_normal(n) + shift * y. */
function referenceScores(): { y: number[]; scores: Float64Array } {
  const rs = new RandomState(reference.seed);
  const y = Array.from(rs.randomSample(reference.n), (u) => (u < reference.rate ? 1 : 0));
  const scores = rs.standardNormal(reference.n).map((z, i) => z + reference.shift * y[i]!);
  return { y, scores };
}

type Point = [number, number];

/** The vertices of every line mark path of an SVG ("M x,y L x,y ..." with H/V), one array per path. */
function linePaths(svg: string): Point[][] {
  const paths = [...svg.matchAll(/aria-roledescription="line mark" d="([^"]*)"/g)].map((m) => m[1]!);
  return paths.map((d) => {
    const points: Point[] = [];
    for (const [, command, args] of d.matchAll(/([MLHV])([^MLHVZ]*)/g)) {
      const numbers = args!.split(/[ ,]+/).filter(Boolean).map(Number);
      const [x, y] = points.at(-1) ?? [0, 0];
      if (command === "H") points.push([numbers[0]!, y]);
      else if (command === "V") points.push([x, numbers[0]!]);
      else points.push([numbers[0]!, numbers[1]!]);
    }
    if (/[^MLHV0-9.,\-e ]/.test(d)) throw new Error(`unexpected path command in ${d.slice(0, 80)}`);
    return points;
  });
}

function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const [dx, dy] = [bx - ax, by - ay];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

/** The largest distance, in pixels, from a vertex of `from` to the polyline `to`. */
function maxDeviation(from: Point[], to: Point[]): number {
  let worst = 0;
  for (const point of from) {
    let nearest = Infinity;
    for (let k = 1; k < to.length && nearest > worst; k++) nearest = Math.min(nearest, distanceToSegment(point, to[k - 1]!, to[k]!));
    if (to.length === 1) nearest = Math.hypot(point[0] - to[0]![0], point[1] - to[0]![1]);
    worst = Math.max(worst, nearest);
  }
  return worst;
}

/** Area under a polyline in data units (trapezoids; x may run either way). */
function areaUnder(points: ReadonlyArray<{ x: number; y: number }>): number {
  let area = 0;
  for (let k = 1; k < points.length; k++) area += ((points[k]!.x - points[k - 1]!.x) * (points[k]!.y + points[k - 1]!.y)) / 2;
  return Math.abs(area);
}

/** The curve layer's rows of a ROC / PR chart, per curve name, in drawing order. */
function curveRows(chart: Chart): Map<string, Array<{ x: number; y: number; order: number }>> {
  const layer = (chart.spec.layer as VegaLiteSpec[])[0]!;
  const rows = (layer.data as { values: Array<{ curve: string; x: number; y: number; order: number }> }).values;
  const byCurve = new Map<string, Array<{ x: number; y: number; order: number }>>();
  for (const row of rows) byCurve.set(row.curve, [...(byCurve.get(row.curve) ?? []), row]);
  return byCurve;
}

/** The same chart drawn from other curve rows, for comparing pictures. */
async function redraw(chart: Chart, rows: unknown[], interpolate: string): Promise<Chart> {
  const [curves, ...rest] = chart.spec.layer as VegaLiteSpec[];
  const mark = { ...(curves!.mark as object), interpolate };
  return Chart.render({ ...chart.spec, layer: [{ ...curves, data: { values: rows }, mark }, ...rest] });
}

suite("simplifyPolyline", () => {
  test("keeps both ends, drops collinear points, and stays within the tolerance of every dropped point", () => {
    const unit = { min: 0, max: 1, pixels: 100 };
    assert.deepEqual(simplifyPolyline([0, 0.25, 0.5, 0.75, 1], [0, 0.25, 0.5, 0.75, 1], unit, unit), [0, 4]);
    assert.deepEqual(simplifyPolyline([0, 0.5, 1], [0, 0.1, 0], unit, unit), [0, 1, 2]); // 10 px bump stays
    assert.deepEqual(simplifyPolyline([0, 0.5, 1], [0, 0.001, 0], unit, unit), [0, 2]); // 0.1 px bump goes
    assert.deepEqual(simplifyPolyline([3], [4], unit, unit), [0]);
    assert.deepEqual(stepAfterVertices([0, 1, 2], [5, 7, 6]), { x: [0, 1, 1, 2, 2], y: [5, 5, 7, 7, 6] });
    assert.throws(() => simplifyPolyline([0, 1], [0], unit, unit), /x has 2 values but y has 1/);
  });
});

suite("dense curves are thinned to the pixels, same picture", () => {
  const { y, scores } = referenceScores();

  test("the regenerated scores are numpy's", () => {
    assert.deepEqual(Array.from(scores.subarray(0, 5)), reference.firstScores);
    assert.ok(Math.abs(scores.reduce((a, b) => a + b, 0) - reference.scoreSum) < 1e-9);
    assert.equal(y.reduce((a, b) => a + b, 0), reference.positives);
  });

  test("ROC of 8,000 scores: a few hundred vertices, ends kept, drawn within half a pixel, AUC as sklearn's", async () => {
    const chart = await rocCurveChart(y, { detector: scores });
    const [[label, rows]] = [...curveRows(chart)];
    assert.equal(label, `detector (AUC = ${reference.rocAuc.toFixed(3)})`);
    const full = rocCurve(y, scores, { dropIntermediate: false });
    assert.equal(full.fpr.length, reference.rocPoints);
    assert.ok(rows!.length < reference.rocPoints / 20, `${rows!.length} of ${reference.rocPoints} points kept`);
    assert.deepEqual([rows![0], rows!.at(-1)].map((r) => [r!.x, r!.y]), [[0, 0], [1, 1]]);
    // The drawn area is sklearn's AUC (from all 8,001 points) to within what a quarter pixel can hold.
    assert.ok(Math.abs(areaUnder(rows!) - reference.rocAuc) < 1e-3, `thinned AUC ${areaUnder(rows!)} vs sklearn ${reference.rocAuc}`);

    const everyPoint = Array.from(full.fpr, (x, k) => ({ curve: label, x, y: full.tpr[k], order: k }));
    const [drawn] = linePaths(chart.svg);
    const [drawnFull] = linePaths((await redraw(chart, everyPoint, "linear")).svg);
    assert.equal(drawnFull!.length, reference.rocPoints);
    assert.ok(maxDeviation(drawnFull!, drawn!) < 0.5, `full curve strays ${maxDeviation(drawnFull!, drawn!)} px from the drawn one`);
    assert.ok(maxDeviation(drawn!, drawnFull!) < 0.1);
  });

  test("PR steps of 8,000 scores: ends kept, drawn within half a pixel of vega's step-after line, area = sklearn's AP", async () => {
    const chart = await prCurveChart(y, { detector: scores });
    const [[label, rows]] = [...curveRows(chart)];
    assert.equal(label, `detector (AP = ${reference.averagePrecision.toFixed(3)})`);
    const full = precisionRecallCurve(y, scores);
    assert.equal(full.recall.length, reference.prPoints);
    assert.ok(rows!.length < reference.prPoints / 10, `${rows!.length} of ${reference.prPoints} points kept`);
    assert.deepEqual([rows![0], rows!.at(-1)].map((r) => [r!.x, r!.y]), [[1, Math.round(full.precision[0]! * 1e4) / 1e4], [0, 1]]);
    // Average precision is the area under the step curve; the drawn one encloses it to within 1e-3.
    assert.ok(Math.abs(areaUnder(rows!) - reference.averagePrecision) < 1e-3, `thinned area ${areaUnder(rows!)} vs sklearn AP ${reference.averagePrecision}`);

    // The reference picture: every point, drawn by vega's own step-after interpolation.
    const everyPoint = Array.from(full.recall, (x, k) => ({ curve: label, x, y: full.precision[k], order: k }));
    const [drawn] = linePaths(chart.svg);
    const [drawnFull] = linePaths((await redraw(chart, everyPoint, "step-after")).svg);
    assert.ok(drawnFull!.length > reference.prPoints, "vega draws each step as two segments");
    assert.ok(maxDeviation(drawnFull!, drawn!) < 0.5, `full curve strays ${maxDeviation(drawnFull!, drawn!)} px from the drawn one`);
    assert.ok(maxDeviation(drawn!, drawnFull!) < 0.1);
  });

  test("a 10,320-point time series (NAB nyc_taxi): a fraction of the points, same line within half a pixel, same axes", async () => {
    const taxi = await loadNab("nyc_taxi", { mirror: MIRROR_ROOT, allowUpstream: false, progress: false });
    const x = taxi.df.getColumn("timestamp").toArray() as unknown as Date[];
    const values = taxi.df.getColumn("value").toArray() as number[];
    const chart = await lineChart({ x, series: { passengers: values } }, { title: "taxi" });
    const rows = (chart.spec.data as { values: Array<{ x: number; value: number }> }).values;
    assert.ok(rows.length < values.length / 2, `${rows.length} of ${values.length} points kept`);
    assert.deepEqual([rows[0]!.x, rows.at(-1)!.x], [x[0]!.getTime(), x.at(-1)!.getTime()]);
    assert.deepEqual([Math.min(...rows.map((r) => r.value)), Math.max(...rows.map((r) => r.value))], [Math.min(...values), Math.max(...values)]);

    const everyPoint = x.map((t, i) => ({ x: t.getTime(), series: "passengers", value: values[i] }));
    const fullChart = await Chart.render({ ...chart.spec, data: { values: everyPoint } });
    const axisLabels = (svg: string) => [...svg.matchAll(/role-axis-label[^]*?<\/g>/g)].map((m) => m[0].replace(/<path[^>]*>/g, ""));
    assert.deepEqual(axisLabels(chart.svg), axisLabels(fullChart.svg), "the axes must not move");
    const [drawn] = linePaths(chart.svg);
    const [drawnFull] = linePaths(fullChart.svg);
    assert.equal(drawnFull!.length, values.length);
    assert.ok(maxDeviation(drawnFull!, drawn!) < 0.5, `full series strays ${maxDeviation(drawnFull!, drawn!)} px from the drawn one`);
    assert.ok(chart.svg.length < fullChart.svg.length / 2, `SVG ${chart.svg.length} vs ${fullChart.svg.length} bytes`);
  });

  test("an alarm timeline on a log axis: the score line thinned in log space, same line within half a pixel, same axes", async () => {
    const rs = new RandomState(5);
    const times = Array.from({ length: 3000 }, (_, i) => new Date(Date.UTC(2004, 1, 12) + i * 600_000));
    const scores = Array.from(rs.randomSample(3000), (u, i) => Math.exp(Math.sin(i / 200) + 0.01 * u) * (i > 2500 ? 1 + (i - 2500) / 50 : 1) / 10);
    const chart = await alarmTimeline(times, scores, 0.5, { normalPeriod: [times[0]!, times[1000]!], logScale: true });
    const layers = chart.spec.layer as VegaLiteSpec[];
    const line = (layers[2]!.data as { values: Array<{ t: number; score: number }> }).values;
    assert.ok(line.length < scores.length / 2, `${line.length} of ${scores.length} points kept`);
    const everyPoint = times.map((t, i) => ({ t: t.getTime(), score: scores[i]!, alarm: scores[i]! > 0.5 }));
    const full = await Chart.render({ ...chart.spec, layer: layers.map((layer, k) => (k === 2 ? { ...layer, data: { values: everyPoint } } : layer)) });
    const axisLabels = (svg: string) => [...svg.matchAll(/role-axis-label[^]*?<\/g>/g)].map((m) => m[0]);
    assert.deepEqual(axisLabels(chart.svg), axisLabels(full.svg), "the axes must not move");
    const [drawn] = linePaths(chart.svg);
    const [drawnFull] = linePaths(full.svg);
    assert.equal(drawnFull!.length, scores.length);
    assert.ok(maxDeviation(drawnFull!, drawn!) < 0.5, `full series strays ${maxDeviation(drawnFull!, drawn!)} px from the drawn one`);
  });

  test("unsorted x is thinned along the drawn (x-sorted) path", async () => {
    const rs = new RandomState(3);
    const xs = Array.from(rs.randomSample(3000));
    const ys = xs.map((v) => Math.sin(12 * v) + 0.01 * Math.cos(400 * v));
    const chart = await lineChart({ x: xs, series: { s: ys } });
    const sorted = xs.map((v, i) => ({ x: v, series: "s", value: ys[i] })).sort((a, b) => a.x - b.x);
    const full = await Chart.render({ ...chart.spec, data: { values: sorted } });
    assert.ok(maxDeviation(linePaths(full.svg)[0]!, linePaths(chart.svg)[0]!) < 0.5);
  });
});

suite("light outputs", () => {
  test("a chart's vega-lite spec is embedded below Chart.maxEmbeddedSpecBytes, the picture always", async () => {
    const small = await rocCurveChart([0, 1, 0, 1], [0.1, 0.9, 0.3, 0.4]);
    assert.ok(VEGA_LITE_MIME in mimeBundleOf(small));
    const values = Array.from({ length: 4000 }, (_, i) => ({ a: i, b: Math.sin(i) }));
    const big = await Chart.render({ data: { values }, mark: "point", encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } } });
    const bundle = mimeBundleOf(big);
    assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/html", "text/plain"]);
    assert.match(String(bundle["text/plain"]), /^Chart: untitled \(vega-lite spec of \d+ KiB not embedded, above Chart\.maxEmbeddedSpecBytes; chart\.spec has it\)$/);
    const saved = Chart.maxEmbeddedSpecBytes;
    try {
      Chart.maxEmbeddedSpecBytes = Infinity;
      assert.deepEqual((mimeBundleOf(big)[VEGA_LITE_MIME] as VegaLiteSpec).data, { values });
    } finally {
      Chart.maxEmbeddedSpecBytes = saved;
    }
  });

  test("the detectors tour's nine ROC and PR curves on 2,165 rows fit in a light output", async () => {
    // Nine noisy score vectors like the tour's (2,165 test rows, 197 frauds). Unthinned, with the spec, the PR
    // chart's output was about 1 MB; thinned, each chart is a few hundred vertices per curve and the spec
    // (over the embedding limit) stays out.
    const rs = new RandomState(5);
    const y = Array.from({ length: 2165 }, (_, i) => (i < 197 ? 1 : 0));
    const scores = Object.fromEntries(Array.from({ length: 9 }, (_, d) => [`d${d}`, Array.from(rs.standardNormal(2165), (z, i) => z + (d / 4) * y[i]!)]));
    for (const chart of [await rocCurveChart(y, scores), await prCurveChart(y, scores)]) {
      const bytes = JSON.stringify(mimeBundleOf(chart)).length;
      assert.ok(bytes < 250_000, `${chart.title}: ${bytes} bytes`);
    }
  });
});

suite("series colours", () => {
  test("CIEDE2000 as published (Sharma, Wu & Dalal 2005, Table 1)", () => {
    for (const [lab1, lab2, expected] of SHARMA_PAIRS) assert.ok(Math.abs(ciede2000(lab1, lab2) - expected) < 5e-5, `${lab1} / ${lab2}`);
  });

  test("any two of the first nine differ more than tableau10's closest pair; bearings 2/3 and LOF/PCA are far apart", () => {
    const minimum = (palette: readonly string[], k: number) => {
      let worst = Infinity;
      for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) worst = Math.min(worst, ciede2000(hexToLab(palette[i]!), hexToLab(palette[j]!)));
      return worst;
    };
    const tableau10 = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];
    assert.ok(minimum(SERIES_COLORS, 4) > 35, `first four: ${minimum(SERIES_COLORS, 4)}`);
    assert.ok(minimum(SERIES_COLORS, 9) > 23, `first nine: ${minimum(SERIES_COLORS, 9)}`);
    assert.ok(minimum(SERIES_COLORS, 9) > minimum(tableau10, 9) + 5);
    const delta = (palette: readonly string[], i: number, j: number) => ciede2000(hexToLab(palette[i]!), hexToLab(palette[j]!));
    // The pairs: bearing 2 vs 3 (series 2 and 3), LOF vs PCA in the tour (series 2 and 6).
    assert.ok(delta(tableau10, 1, 2) < 30 && delta(tableau10, 1, 5) < 30);
    assert.ok(delta(SERIES_COLORS, 1, 2) > 40 && delta(SERIES_COLORS, 1, 5) > 40);
  });

  test("charts draw their series in these colours, in order", async () => {
    const chart = await lineChart({ x: [0, 1, 2], series: { a: [1, 2, 3], b: [2, 3, 1], c: [3, 1, 2], d: [0, 0, 1] } });
    const strokes = [...chart.svg.matchAll(/aria-roledescription="line mark" d="[^"]*" stroke="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(strokes, SERIES_COLORS.slice(0, 4));
  });
});
