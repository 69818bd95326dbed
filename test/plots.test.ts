// Chart builders: the SVG rendered by vega must hold the title and the expected
// marks. Expected values come from numpy (test/reference/eda.py -> test/fixtures/eda.json).
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe as suite, test } from "node:test";
import pl from "nodejs-polars";
import { mimeBundleOf } from "../src/display/display";
import { mimeText } from "../src/display/mime";
import { barChart, classCountsChart } from "../src/plots/bar-chart";
import { boxplot } from "../src/plots/boxplot";
import { confusionMatrixChart } from "../src/plots/confusion-matrix-chart";
import { Chart } from "../src/plots/chart";
import { heatmap } from "../src/plots/heatmap";
import { histogram } from "../src/plots/histogram";
import { lineChart } from "../src/plots/line-chart";
import { scatter } from "../src/plots/scatter";
import { estimateTextWidth } from "../src/plots/text-metrics";
import { vegaLiteChart } from "../src/plots/vega-lite-chart";
import { readFixture } from "./helpers/fixtures";
import { mirrorFile } from "./helpers/mirror";

interface Fixture {
  iqr: Array<{ k: number; outlierValues: number[] }>;
  classCounts: { value: number[]; count: number[] };
  histogram100: Array<{ low: number; high: number; count: number }>;
}

const fixture: Fixture = readFixture("eda.json");

const salaries = pl.readCSV(mirrorFile("salary", "salaries_numpy_seed7.csv"));
const salary = salaries.getColumn("salary_after_injection");

/** aria-labels of the data marks of one type (e.g. "symbol", "rect", "line"), in SVG order. */
function markLabels(svg: string, markType: string): string[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${markType} role-mark[^"]*"[^>]*>(.*?)</g>`, "g"))];
  return groups.flatMap((group) => [...group[1].matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]));
}

function markCount(svg: string, markType: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${markType} role-mark[^"]*"[^>]*>(.*?)</g>`, "g"))];
  return groups.reduce((sum, group) => sum + (group[1].match(/<(path|text|line)\b/g)?.length ?? 0), 0);
}

function assertSvgWithTitle(chart: Chart, titleInSvg: string): void {
  assert.match(chart.svg, /^<svg /);
  assert.ok(chart.svg.includes(`>${titleInSvg}</text>`), `title "${titleInSvg}" in the SVG`);
}

suite("histogram", () => {
  test("one bar per non-empty 100-wide bin with numpy's counts", async () => {
    const chart = await histogram(salary, { title: "Salaries <USD>", xTitle: "USD" });
    assertSvgWithTitle(chart, "Salaries &lt;USD&gt;");
    assert.match(chart.svg, /X-axis titled 'USD' for a linear scale with values from 0 to 2,500/);
    const bars = markLabels(chart.svg, "rect")
      .map((label) => /^USD: (\d+) – (\d+); count: (\d+)$/.exec(label)!)
      .map((m) => ({ low: Number(m[1]), high: Number(m[2]), count: Number(m[3]) }))
      .sort((a, b) => a.low - b.low);
    assert.deepEqual(bars, fixture.histogram100);
  });

  test("rejects empty input, NaN and a bad bin count", async () => {
    await assert.rejects(histogram([]), /histogram\(values\): input is empty/);
    await assert.rejects(histogram([1, NaN]), /histogram\(values\): value at index 1 is NaN/);
    await assert.rejects(histogram([1, 2], { bins: 0 }), /bins must be a positive integer/);
  });
});

suite("histogram by group", () => {
  test("one panel per class with its own count axis; the bars of each panel count that class's rows", async () => {
    const classes = salaries.getColumn("class").toArray() as number[];
    const chart = await histogram(salary, { groups: classes.map((c) => (c === 1 ? "anomaly" : "normal")), groupTitle: "class", xTitle: "USD" });
    const bars = markLabels(chart.svg, "rect").map((label) => /count: (\d+); group: (\w+)$/.exec(label)!);
    const total = (group: string) => bars.filter((m) => m[2] === group).reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(total("normal"), 98);
    assert.equal(total("anomaly"), 2);
    assert.equal([...chart.svg.matchAll(/Y-axis titled 'count'/g)].length, 2, "independent count axes");
    assert.match(chart.svg, /Title text 'anomaly'/);
  });

  test("a group per value is required", async () => {
    await assert.rejects(histogram([1, 2, 3], { groups: ["a", "b"] }), /histogram: groups has 2 values but values has 3/);
  });
});

/** Whether `text` is drawn as a visible SVG text (vega hides a label that would overlap with opacity 0). */
function shownText(svg: string, text: string): boolean {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const drawn = svg.match(new RegExp(`<text[^>]*>${escaped}</text>`, "g")) ?? [];
  return drawn.some((element) => !/opacity="0"/.test(element));
}

suite("heatmap", () => {
  const data = { rows: ["cardio", "mnist"], columns: ["HBOS", "KNN", "PCA"], values: [[0.0001, -0.02, null], [0, 0.013, Number.NaN]] };

  test("every column's and row's label is drawn, none dropped for lack of room (19 detector columns)", async () => {
    const columns = ["IForest", "MCD", "GMM", "INNE", "CBLOF", "HBOS", "PCA", "ECOD", "COPOD", "KDE", "KNN",
      "DeepSVDD", "OCSVM", "SOD", "ABOD", "LODA", "FeatureBagging", "LOF", "COF"];
    const rows = ["1_ALOI", "2_annthyroid", "3_backdoor"];
    const chart = await heatmap({ rows, columns, values: rows.map(() => columns.map(() => 0.5)) });
    assert.deepEqual([...columns, ...rows].filter((label) => !shownText(chart.svg, label)), [], "labels hidden or not drawn");
  });

  test("one coloured cell per value with its number written in; empty (null, NaN) cells grey with a dash", async () => {
    const chart = await heatmap(data, { scheme: "diverging", format: "+.4f", title: "ours - published", valueTitle: "difference" });
    assertSvgWithTitle(chart, "ours - published");
    const texts = markLabels(chart.svg, "text");
    assert.deepEqual(texts.filter((l) => l.includes("difference: ")), [
      "column: HBOS; row: cardio; difference: +0.0001",
      "column: KNN; row: cardio; difference: −0.0200",
      "column: HBOS; row: mnist; difference: +0.0000",
      "column: KNN; row: mnist; difference: +0.0130",
    ]);
    assert.deepEqual(texts.filter((l) => l.includes("empty")), ["column: PCA; row: cardio; empty: –", "column: PCA; row: mnist; empty: –"]);
    // A diverging scale is symmetric around 0: its legend runs from -0.02 to 0.02.
    assert.match(chart.svg, /Gradient legend titled 'difference' for fill color with values from −0\.02 to 0\.02/);
  });

  test("rejects ragged values, duplicate labels and a bad domain, naming the problem", async () => {
    await assert.rejects(heatmap({ ...data, values: [[1, 2, 3], [1, 2]] }), /values\[1\] \(row "mnist"\) must have 3 values, one per column/);
    await assert.rejects(heatmap({ ...data, columns: ["a", "a", "b"] }), /columns must be distinct/);
    await assert.rejects(heatmap(data, { domain: [1, 0] }), /domain must be \[low, high\] with finite low < high, got \[1,0\]/);
    await assert.rejects(heatmap({ ...data, values: [[1, "2" as never, 3], [1, 2, 3]] }), /values\[0\]\[1\] must be a number or null, got string/);
  });
});

suite("confusionMatrixChart", () => {
  test("counts in their cells (true class down, predicted across), coloured by the share of the true class", async () => {
    const chart = await confusionMatrixChart([0, 0, 0, 1, 1], [0, 1, 0, 1, 0], { labels: ["normal", "fraud"] });
    const counts = markLabels(chart.svg, "text").filter((l) => l.includes("count"));
    assert.deepEqual(counts, [
      "predicted class: normal; true class: normal; count: 2",
      "predicted class: fraud; true class: normal; count: 1",
      "predicted class: normal; true class: fraud; count: 1",
      "predicted class: fraud; true class: fraud; count: 1",
    ]);
    assert.ok(markLabels(chart.svg, "rect").includes("predicted class: normal; true class: normal; share of true class: 67%"));
    await assert.rejects(confusionMatrixChart([0, 1], [0, 1], { labels: ["only one"] as never }), /labels must be two non-empty names/);
  });
});

suite("boxplot", () => {
  test("draws the 1.5-IQR outliers (17 and 23) as points", async () => {
    const chart = await boxplot(salary, { title: "Salary box plot", xTitle: "USD" });
    assertSvgWithTitle(chart, "Salary box plot");
    const points = markLabels(chart.svg, "symbol").map((label) => Number(/^USD: (\d+)$/.exec(label)![1]));
    assert.deepEqual(points.sort((a, b) => a - b), fixture.iqr[0].outlierValues);
    assert.deepEqual(fixture.iqr[0].outlierValues, [17, 23]);
  });

  test("rejects a non-numeric Series", async () => {
    await assert.rejects(boxplot(pl.Series("name", ["a"])), /Series 'name' has dtype/);
  });
});

suite("scatter", () => {
  test("one point per row, coloured by class with a legend", async () => {
    const chart = await scatter(
      { x: salaries.getColumn("index"), y: salary, color: salaries.getColumn("class") },
      { title: "Salaries", xTitle: "employee", yTitle: "USD", colorTitle: "class" },
    );
    assertSvgWithTitle(chart, "Salaries");
    assert.equal(markCount(chart.svg, "symbol"), 100);
    assert.match(chart.svg, /Symbol legend titled 'class' for fill color with 2 values: 0, 1/);
    assert.ok(markLabels(chart.svg, "symbol").includes("employee: 16; USD: 23; class: 1"));
  });

  test("a log y axis and a labelled threshold rule", async () => {
    const chart = await scatter({ x: [1, 2, 3, 4], y: [0.1, 1, 10, 100] }, { threshold: 2.9, logY: true });
    assert.match(chart.svg, /Y-axis titled 'y' for a log scale/);
    assert.ok(markLabels(chart.svg, "rule").includes("threshold: 2.9"));
    assert.ok(markLabels(chart.svg, "text").includes("threshold: 2.9; label: threshold = 2.9"));
    await assert.rejects(scatter({ x: [1, 2], y: [1, 0] }, { logY: true }), /logY needs every y > 0, but y\[1\] = 0/);
    await assert.rejects(scatter({ x: [1, 2], y: [1, 2] }, { threshold: Number.NaN }), /threshold must be a finite number/);
  });

  test("a log x axis and a name beside each point", async () => {
    const chart = await scatter({ x: [0.01, 0.5, 20], y: [3.2, 2.1, 4.5], labels: ["HBOS", "KNN", "OCSVM"] }, { logX: true, xTitle: "seconds", yTitle: "rank" });
    assert.match(chart.svg, /X-axis titled 'seconds' for a log scale/);
    assert.deepEqual(markLabels(chart.svg, "text"), ["seconds: 0.01; rank: 3.2; label: HBOS", "seconds: 0.5; rank: 2.1; label: KNN", "seconds: 20; rank: 4.5; label: OCSVM"]);
    await assert.rejects(scatter({ x: [1, 0], y: [1, 2] }, { logX: true }), /logX needs every x > 0, but x\[1\] = 0/);
    await assert.rejects(scatter({ x: [1, 2], y: [1, 2], labels: ["a"] }), /labels has 1 values but x has 2/);
  });

  test("x/y and colour length mismatches name the arguments", async () => {
    await assert.rejects(scatter({ x: [1, 2], y: [1] }), /scatter: y has 1 values but x has 2/);
    await assert.rejects(scatter({ x: [1, 2], y: [1, 2], color: ["a"] }), /color has 1 values but x has 2/);
    await assert.rejects(scatter({ x: [1, 2], y: [1, 2], color: ["a", null as unknown as string] }), /scatter\(color\): value at index 1 is null/);
  });
});

suite("lineChart", () => {
  test("several series share one chart with a legend and a threshold rule", async () => {
    const chart = await lineChart(
      { x: salaries.getColumn("index"), series: { injected: salary, generated: salaries.getColumn("salary_generated") } },
      { title: "Salaries by employee", threshold: 500 },
    );
    assertSvgWithTitle(chart, "Salaries by employee");
    assert.equal(markCount(chart.svg, "line"), 2);
    assert.deepEqual(markLabels(chart.svg, "rule"), ["threshold: 500"]);
    assert.match(chart.svg, /legend titled 'series' for stroke color with 2 values: injected, generated/);
  });

  test("Dates give a UTC time axis", async () => {
    const days = [0, 1, 2].map((i) => new Date(Date.UTC(2014, 6, 1 + i)));
    const chart = await lineChart({ x: days, series: { taxi: [10, 12, 9] } }, { title: "Taxi" });
    assert.match(chart.svg, /X-axis titled 'time' for a utc scale/);
    assert.doesNotMatch(chart.svg, /role-legend"/, "no legend for a single series");
  });

  test("bands shade x-intervals behind the lines", async () => {
    const days = [0, 1, 2, 3].map((i) => new Date(Date.UTC(2014, 6, 1 + i)));
    const chart = await lineChart(
      { x: days, series: { taxi: [10, 12, 9, 11] } },
      { title: "Taxi", bands: [[days[1], days[2]]] },
    );
    assert.equal(markCount(chart.svg, "rect"), 1);
    await assert.rejects(
      lineChart({ x: [1, 2], series: { a: [1, 2] } }, { bands: [[2, 1]] }),
      /bands\[0\] must be \[start, end\] with start <= end/,
    );
  });

  test("length mismatch, empty series and bad threshold are rejected", async () => {
    await assert.rejects(lineChart({ x: [1, 2, 3], series: { a: [1, 2] } }), /series\["a"\] has 2 values but x has 3/);
    await assert.rejects(lineChart({ x: [1], series: {} }), /series is empty/);
    await assert.rejects(lineChart({ x: [1], series: { a: [1] } }, { threshold: NaN }), /threshold must be a finite number/);
  });
});

suite("barChart and classCountsChart", () => {
  test("class counts match numpy.unique", async () => {
    const chart = await classCountsChart(salaries.getColumn("class"));
    assertSvgWithTitle(chart, "Class counts");
    const expected = fixture.classCounts.value
      .map((value, i) => `class: ${value}; count: ${fixture.classCounts.count[i]}`)
      .sort();
    assert.deepEqual(markLabels(chart.svg, "rect").sort(), expected);
    assert.equal(markCount(chart.svg, "text"), 2, "counts written on the bars");
  });

  test("bars keep the given order; labels must match values", async () => {
    const chart = await barChart({ labels: ["knn", "iforest", "lof"], values: [0.9, 0.8, 0.7] }, { title: "AUC" });
    assert.deepEqual(markLabels(chart.svg, "rect"), ["label: knn; value: 0.9", "label: iforest; value: 0.8", "label: lof; value: 0.7"]);
    const long = await barChart({ labels: ["k-nearest neighbours (KNN)", "isolation forest", "LOF"], values: [1, 2, 3] });
    assert.match(long.svg, />k-nearest neighbours \(KNN\)<\/text>/, "long label drawn whole");
    assert.doesNotMatch(long.svg, /…/);
    await assert.rejects(barChart({ labels: ["a"], values: [1, 2] }), /values has 2 values but labels has 1/);
    await assert.rejects(barChart({ labels: ["a", "a"], values: [1, 2] }), /labels must be distinct/);
  });

  test("every bar's label is drawn, none dropped for lack of room (notebook 10's 19 detectors)", async () => {
    const labels = ["IForest", "MCD", "GMM", "INNE", "CBLOF", "HBOS", "PCA", "ECOD", "COPOD", "KDE", "KNN",
      "DeepSVDD", "OCSVM", "SOD", "ABOD", "LODA", "FeatureBagging", "LOF", "COF"];
    const chart = await barChart({ labels, values: labels.map((_, i) => 7 + i / 3) }, { showValues: true });
    assert.deepEqual(labels.filter((label) => !shownText(chart.svg, label)), [], "labels hidden or not drawn");
  });
});

suite("text metrics", () => {
  test("uses Helvetica AFM widths (H 722, e 556, l 222, o 556 per 1000 em)", () => {
    assert.equal(estimateTextWidth("Hello", 1000), 722 + 556 + 222 + 222 + 556);
    assert.ok(Math.abs(estimateTextWidth("Hello", 11) - 25.058) < 1e-9);
  });
});

suite("Chart", () => {
  test("mime bundle: text/html embeds the SVG as an <img> data URI", async () => {
    const chart = await vegaLiteChart({
      title: "custom",
      data: { values: [{ a: 1 }, { a: 2 }] },
      mark: "tick",
      encoding: { x: { field: "a", type: "quantitative" } },
    });
    const bundle = mimeBundleOf(chart);
    assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/html", "text/plain"]);
    const spec = bundle["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    assert.equal(spec.mark, "tick");
    assert.equal(bundle["text/plain"], "Chart: custom");
    assert.equal(bundle["image/svg+xml"], chart.displaySvg, "the compacted SVG (svg-compact.ts)");
    const base64 = /<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(mimeText(bundle, "text/html"))![1];
    assert.equal(Buffer.from(base64, "base64").toString("utf8"), chart.displaySvg);
    assert.match(mimeText(bundle, "text/html"), /alt="custom" width="\d+" height="\d+"/);
  });

  test("saveSvg writes the file atomically, leaving no temp file", async () => {
    const chart = await histogram([1, 2, 2, 3], { title: "tiny" });
    const folder = mkdtempSync(join(tmpdir(), "al-chart-"));
    chart.saveSvg(join(folder, "tiny.svg"));
    assert.deepEqual(readdirSync(folder), ["tiny.svg"]);
    assert.equal(readFileSync(join(folder, "tiny.svg"), "utf8"), chart.svg);
    assert.throws(() => chart.saveSvg(join(folder, "missing", "x.svg")), /ENOENT/);
    assert.deepEqual(readdirSync(folder), ["tiny.svg"]);
  });

  test("vegaLiteChart rejects a non-object spec", async () => {
    await assert.rejects(vegaLiteChart(null as unknown as Record<string, unknown>), /spec must be a vega-lite spec object/);
  });
});
