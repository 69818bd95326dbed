import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { salaryData } from "../src/data/salary";
import { mirrorFile } from "./helpers/mirror";

// Written independently with numpy's legacy RandomState (see PROVENANCE.txt next to it).
const CSV = mirrorFile("salary", "salaries_numpy_seed7.csv");

function readReference(): { salary: number[]; classes: number[] } {
  const [header, ...lines] = readFileSync(CSV, "utf8").trim().split("\n");
  const columns = header.split(",");
  const salaryColumn = columns.indexOf("salary_after_injection");
  const classColumn = columns.indexOf("class");
  const rows = lines.map((line) => line.split(",").map(Number));
  return { salary: rows.map((row) => row[salaryColumn]), classes: rows.map((row) => row[classColumn]) };
}

describe("salaryData", () => {
  it("regenerates the tutorial's 100 salaries and classes exactly", () => {
    const data = salaryData();
    const reference = readReference();
    assert.deepEqual(data.columns, ["person", "salary", "class"]);
    assert.equal(data.height, 100);
    const salary = data.getColumn("salary").toArray() as number[];
    assert.deepEqual(salary, reference.salary);
    assert.deepEqual(data.getColumn("class").toArray(), reference.classes);
    assert.deepEqual(salary.slice(0, 5), [1175, 2220, 1537, 1502, 1211]);
    assert.equal(Math.min(...salary), 17);
    assert.equal(Math.max(...salary), 2498);
    assert.deepEqual([salary[16], salary[65]], [23, 17]);
    assert.deepEqual(data.getColumn("person").toArray().slice(0, 2), ["Person 1", "Person 2"]);
    assert.equal(String(data.getColumn("salary").dtype), "DataType(Float64)");
  });

  it("supports other seeds, sizes and injected anomalies, and checks them", () => {
    const data = salaryData({ seed: 1, n: 10, low: 0, high: 10, anomalies: [[0, 99]] });
    assert.equal(data.height, 10);
    assert.equal(data.getColumn("salary").toArray()[0], 99);
    assert.deepEqual(data.getColumn("class").toArray(), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => salaryData({ n: 10, anomalies: [[10, 5]] }), /anomalies\[0\]: row must be an integer in \[0, 9\], got 10/);
    assert.throws(() => salaryData({ n: 0 }), /n must be an integer >= 1, got 0/);
  });
});
