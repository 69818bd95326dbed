// EDA functions against numpy/scipy reference values (test/reference/eda.py -> test/fixtures/eda.json).
import { strict as assert } from "node:assert";
import { describe as suite, test } from "node:test";
import pl from "nodejs-polars";
import { describe, DESCRIBE_STATISTICS } from "../src/eda/describe";
import { iqrOutliers } from "../src/eda/iqr-outliers";
import { quantile, quantiles } from "../src/eda/quantile";
import { valueCounts } from "../src/eda/value-counts";
import { zScoreOutliers } from "../src/eda/z-score-outliers";
import { assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";
import { mirrorFile } from "./helpers/mirror";

interface Fixture {
  csvColumns: string[];
  describe: Record<string, Record<string, number>>;
  quantiles: { q: number[]; values: number[] };
  smallQuantiles: { data: number[]; q: number[]; values: number[] };
  iqr: Array<{ k: number; q1: number; q3: number; iqr: number; lower: number; upper: number; indices: number[] }>;
  zscore: Array<{ threshold: number; ddof: number; mean: number; std: number; z: number[]; indices: number[] }>;
  classCounts: { value: number[]; count: number[] };
}

const fixture: Fixture = readFixture("eda.json");

const salaries = pl.readCSV(mirrorFile("salary", "salaries_numpy_seed7.csv"));
const salary = salaries.getColumn("salary_after_injection");

/** |actual - expected| <= 1e-9 * max(1, |expected|): numpy's values up to rounding. */
const TOLERANCE = { relative: 1e-9 };

suite("describe", () => {
  test("matches numpy for every column of the salary CSV", () => {
    const table = describe(salaries);
    assert.deepEqual(table.columns, ["statistic", ...fixture.csvColumns]);
    assert.deepEqual(table.getColumn("statistic").toArray(), [...DESCRIBE_STATISTICS]);
    for (const column of fixture.csvColumns) {
      const actual = table.getColumn(column).toArray() as number[];
      DESCRIBE_STATISTICS.forEach((statistic, row) =>
        assertNear(actual[row], fixture.describe[column][statistic], TOLERANCE, `${column} ${statistic}`),
      );
    }
  });

  test("describes a Series and a plain array", () => {
    assert.deepEqual(describe(salary).columns, ["statistic", "salary_after_injection"]);
    const fromArray = describe(salary.toArray() as number[]);
    assert.deepEqual(fromArray.columns, ["statistic", "value"]);
    assertNear(fromArray.getColumn("value").toArray()[4] as number, fixture.describe.salary_after_injection["25%"], TOLERANCE, "25%");
  });

  test("skips non-numeric columns; std is null for one value", () => {
    const table = describe(pl.DataFrame({ name: ["a", "b"], x: [1, 3] }));
    assert.deepEqual(table.columns, ["statistic", "x"]);
    assert.equal(describe([5]).getColumn("value").toArray()[2], null);
  });

  test("bad input names the column and row", () => {
    assert.throws(() => describe(pl.DataFrame({ s: [1, null, 3] })), /column 's' has a null at row 1/);
    assert.throws(() => describe(pl.DataFrame({ s: [1, NaN] })), /column 's'.*index 1 is NaN/);
    assert.throws(() => describe(pl.DataFrame({ name: ["a"] })), /no numeric column \(name: /);
    assert.throws(() => describe([]), /empty/);
  });
});

suite("quantile", () => {
  test("matches numpy.quantile (linear) on the salaries", () => {
    const { q, values } = fixture.quantiles;
    quantiles(salary, q).forEach((value, i) => assertNear(value, values[i], TOLERANCE, `q=${q[i]}`));
    assertNear(quantile(salary, q[4]), values[4], TOLERANCE, "single q");
  });

  test("matches numpy.quantile on a small unsorted array with ties", () => {
    const { data, q, values } = fixture.smallQuantiles;
    quantiles(data, q).forEach((value, i) => assertNear(value, values[i], TOLERANCE, `q=${q[i]}`));
  });

  test("rejects q outside [0, 1] and bad values", () => {
    assert.throws(() => quantile([1, 2], 1.5), /q must be a number in \[0, 1\], got 1.5/);
    assert.throws(() => quantile([1, Infinity], 0.5), /index 1 is Infinity/);
    assert.throws(() => quantile(pl.Series("name", ["a"]), 0.5), /Series 'name' has dtype/);
  });
});

suite("iqrOutliers", () => {
  for (const expected of fixture.iqr) {
    test(`matches numpy fences with k = ${expected.k}`, () => {
      const result = iqrOutliers(salary, { k: expected.k });
      for (const key of ["q1", "q3", "iqr", "lower", "upper"] as const) {
        assertNear(result[key], expected[key], TOLERANCE, key);
      }
      assert.deepEqual(result.indices, expected.indices);
      assert.equal(result.flags.length, salary.len());
      assert.deepEqual([...result.flags.keys()].filter((i) => result.flags[i] === 1), expected.indices);
    });
  }

  test("rejects a negative k", () => {
    assert.throws(() => iqrOutliers([1, 2, 3], { k: -1 }), /k must be a finite number >= 0/);
  });
});

suite("zScoreOutliers", () => {
  for (const expected of fixture.zscore) {
    test(`matches scipy.stats.zscore with ddof = ${expected.ddof}, threshold ${expected.threshold}`, () => {
      const result = zScoreOutliers(salary, { threshold: expected.threshold, ddof: expected.ddof });
      assertNear(result.mean, expected.mean, TOLERANCE, "mean");
      assertNear(result.std, expected.std, TOLERANCE, "std");
      expected.z.forEach((z, i) => assertNear(result.z[i], z, TOLERANCE, `z[${i}]`));
      assert.deepEqual(result.indices, expected.indices);
    });
  }

  test("constant input and NaN give clear errors", () => {
    assert.throws(() => zScoreOutliers([4, 4, 4]), /standard deviation is 0/);
    assert.throws(() => zScoreOutliers([1, NaN, 3]), /zScoreOutliers\(values\): value at index 1 is NaN/);
  });
});

suite("valueCounts", () => {
  test("counts the classes like numpy.unique, most frequent first", () => {
    const counts = valueCounts(salaries.getColumn("class"));
    assert.deepEqual(counts.getColumn("value").toArray(), fixture.classCounts.value);
    assert.deepEqual(counts.getColumn("count").toArray(), fixture.classCounts.count);
    assert.equal(String(counts.getColumn("value").dtype), String(salaries.getColumn("class").dtype));
  });

  test("breaks ties by value", () => {
    const counts = valueCounts(["b", "a", "c", "a", "b"]);
    assert.deepEqual(counts.getColumn("value").toArray(), ["a", "b", "c"]);
    assert.deepEqual(counts.getColumn("count").toArray(), [2, 2, 1]);
  });

  test("rejects null and empty input", () => {
    assert.throws(() => valueCounts([1, null, 2]), /value at index 1 is null/);
    assert.throws(() => valueCounts([]), /empty/);
  });
});
