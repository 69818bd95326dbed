// The SVG that displays carry (Chart.displaySvg, src/plots/svg-compact.ts) draws the same picture as vega's.
// "Same" is measured on pixels: both SVGs are rasterised by resvg (an SVG renderer independent of vega and
// of our code). Without rounding (the lossless steps: ARIA per mark, <use> for repeated symbols, shared
// paint in a <g>, translate as x/y) every pixel must be equal; with geometry rounded to 1/1000 px only
// anti-aliasing may change, on a few edge pixels by a few levels.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { describe as suite, test } from "node:test";
import { Resvg } from "@resvg/resvg-js";
import type { Detector } from "../src/core/detector";
import { toMatrix, type MatrixInput } from "../src/core/matrix";
import { alarmTimeline } from "../src/plots/alarm-timeline";
import { Chart } from "../src/plots/chart";
import { decisionRegionChart } from "../src/plots/decision-regions";
import { lineChart } from "../src/plots/line-chart";
import { scatter } from "../src/plots/scatter";
import { compactSvg, formatRounded, relativePolyline } from "../src/plots/svg-compact";
import { RandomState } from "../src/random";

// Text is drawn with one bundled font, never the machine's: with system fonts, resvg falls back to whichever
// font it lists first for vega's "Helvetica, Arial, sans-serif", so the picture (and how much rounding moves
// its text's anti-aliasing) depended on the fonts installed. test/fixtures/fonts/README.md: licence, subset.
const BUNDLED_FONT = path.join(__dirname, "fixtures", "fonts", "DejaVuSans-subset.ttf");
const FONT = { loadSystemFonts: false, fontFiles: [BUNDLED_FONT], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" };

/** The characters the subset keeps (the pyftsubset --unicodes of the README). */
const COVERED = /^[\u0020-\u007e\u00a0-\u00ff\u2010-\u2027\u2030-\u203a\u2212]*$/;

function pixels(svg: string): Uint8Array {
  return new Uint8Array(new Resvg(svg, { font: FONT }).render().pixels);
}

/** How many pixels differ, and by how many levels at most (any RGBA channel). */
function pixelDifference(a: string, b: string): { differing: number; maxLevels: number; total: number } {
  const [pa, pb] = [pixels(a), pixels(b)];
  assert.equal(pa.length, pb.length, "same canvas size");
  let differing = 0;
  let maxLevels = 0;
  for (let i = 0; i < pa.length; i += 4) {
    let d = 0;
    for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(pa[i + k]! - pb[i + k]!));
    if (d > 0) differing++;
    maxLevels = Math.max(maxLevels, d);
  }
  return { differing, maxLevels, total: pa.length / 4 };
}

function assertSamePicture(chart: Chart, what: string): void {
  const text = [...chart.svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).join("");
  assert.ok(text.length > 0, `${what}: has text`);
  assert.match(text, COVERED, `${what}: every character of its text is in the bundled font`);
  const exact = pixelDifference(chart.svg, compactSvg(chart.svg, { decimals: null }));
  assert.equal(exact.differing, 0, `${what}: the lossless steps changed ${exact.differing} pixels`);
  const rounded = pixelDifference(chart.svg, chart.displaySvg);
  assert.ok(rounded.differing <= rounded.total / 2000, `${what}: ${rounded.differing} of ${rounded.total} pixels differ`);
  assert.ok(rounded.maxLevels <= 40, `${what}: a pixel differs by ${rounded.maxLevels} levels`);
}

/** A detector on two columns: the distance from the origin, flagged beyond 2 (for decision regions). */
const radial: Pick<Detector, "score" | "threshold" | "predict"> = {
  threshold: 2,
  score(X: MatrixInput) {
    const m = toMatrix(X);
    return Float64Array.from({ length: m.rows }, (_, i) => Math.hypot(m.data[2 * i]!, m.data[2 * i + 1]!));
  },
  predict(X: MatrixInput) {
    return Uint8Array.from(this.score(X), (s) => (s > 2 ? 1 : 0));
  },
};

suite("compactSvg: same picture, fewer bytes", () => {
  test("the bundled font draws vega's labels (Helvetica, Arial, sans-serif): ink where the text is, none without it", () => {
    const label = (text: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="20" font-family="Helvetica, Arial, sans-serif" font-size="11px">${text}</text></svg>`;
    const ink = (svg: string): number => pixels(svg).filter((v, i) => i % 4 === 3 && v > 0).length;
    assert.equal(ink(label("")), 0);
    assert.ok(ink(label("Jan 2024 −0.5")) > 100, "the label is drawn");
  });

  const rs = new RandomState(11);
  const n = 1500;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = Array.from(rs.randomSample(n), (u) => Math.exp(6 * u) / 10);
  const group = x.map((i) => (i % 9 === 0 ? "fraud" : "normal"));

  test("numbers: rounded and written short; polylines as relative steps that land on the rounded vertices", () => {
    assert.equal(formatRounded(129.9717849638443, 3), "129.972");
    assert.equal(formatRounded(1.4000000000000001, 3), "1.4");
    assert.equal(formatRounded(-0.0001, 3), "0");
    assert.equal(relativePolyline("M0,137.14L0.571,134.082L1.142,144.905", 3), "M0,137.14l.571-3.058 .571,10.823");
    assert.equal(relativePolyline("M10,10L10,10L7.5,12.25", 2), "M10,10l0,0-2.5,2.25");
    assert.equal(relativePolyline("M0,0L1,1Z", 3), "M0,0l1,1Z");
    // Curves, arcs and several sub-paths are left as they are.
    for (const d of ["M3,0A3,3,0,1,1,-3,0", "M0,0C1,1,2,2,3,3", "M0,0L1,1ZM5,5L6,6Z"]) assert.equal(relativePolyline(d, 3), d);
    // Summing the steps in whole thousandths gives back every rounded vertex exactly.
    const vertices = Array.from({ length: 200 }, (_, i) => [i * 0.2857142857, 100 + 80 * Math.sin(i / 7)]);
    const d = relativePolyline(`M${vertices.map((v) => v.join(",")).join("L")}`, 3);
    const numbers = d.slice(1).replace("l", ",").match(/-?(\d+\.?\d*|\.\d+)/g)!.map(Number);
    let [px, py] = [Math.round(numbers[0]! * 1000), Math.round(numbers[1]! * 1000)];
    for (let k = 1; k < vertices.length; k++) {
      px += Math.round(numbers[2 * k]! * 1000);
      py += Math.round(numbers[2 * k + 1]! * 1000);
      assert.deepEqual([px, py], vertices[k]!.map((v) => Math.round(v * 1000)), `vertex ${k}`);
    }
  });

  test("a 1,500-point scatter plot (two colours, log axis, threshold): under half the bytes, same pixels", async () => {
    const chart = await scatter({ x, y, color: group }, { logY: true, threshold: 20, title: "scores" });
    assertSamePicture(chart, "scatter");
    const display = chart.displaySvg;
    assert.ok(display.length < chart.svg.length / 2, `${display.length} vs ${chart.svg.length} bytes`);
    assert.equal((display.match(/<use /g) ?? []).length, n, "one <use> per point");
    assert.equal((display.match(/<defs><path id="m-[0-9a-f]{8}" d="[^"]+"\/><\/defs>/g) ?? []).length, 1, "one shared symbol");
    assert.doesNotMatch(display, /<(?:path|use|line|rect|text)\b[^>]*(?:role|aria-label)=|aria-label="x: /, "no per-mark ARIA");
    assert.match(display, /X-axis titled 'x'/, "axes keep their ARIA description");
    assert.doesNotMatch(display, /opacity="1"/, "the initial opacity is not spelled out");
    assert.match(display, /<g text-anchor="middle" font-family="[^"]+" font-size="11px" fill="#444"><text transform="translate\([\d.]+,16\)"/, "axis labels share their font through a <g>");
    assert.match(chart.toHtml(), /^<img src="data:image\/svg\+xml;base64,/);
  });

  test("decision regions, a time series with windows and an alarm timeline: same pixels", async () => {
    const points = Array.from({ length: 300 }, () => [rs.randomSample(1)[0]! * 6 - 3, rs.randomSample(1)[0]! * 6 - 3]);
    assertSamePicture(await decisionRegionChart(radial, points, { highlight: [0, 1] }), "decision regions");
    const times = Array.from({ length: 2000 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000));
    const values = Array.from(rs.randomSample(2000), (u, i) => Math.sin(i / 40) * 10 + u);
    assertSamePicture(await lineChart({ x: times, series: { a: values, b: values.map((v) => v / 2) } }, { bands: [[times[100]!, times[300]!]] }), "line chart");
    const scores = Array.from(rs.randomSample(2000), (u, i) => 0.1 + u * 0.05 + (i > 1500 ? (i - 1500) / 500 : 0));
    assertSamePicture(await alarmTimeline(times, scores, 0.2, { normalPeriod: [times[0]!, times[800]!], logScale: true }), "alarm timeline");
  });

  test("SVG that is not vega's root element is returned as it is; bad decimals are refused", () => {
    assert.equal(compactSvg("<p>not svg</p>"), "<p>not svg</p>");
    assert.throws(() => compactSvg("<svg/>", { decimals: 1.5 }), /decimals must be an integer in \[0, 12\] or null, got 1.5/);
  });
});
