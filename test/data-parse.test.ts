// Malformed inputs must fail with messages that name the file, line and column, never as NaN.
// Each case writes a small broken file to a temp folder and loads it through the public loaders.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { aggregateBearingFiles, bearingFileMeans, loadBearingTest2 } from "../src/data/bearing";
import { CREDIT_CARD_COLUMNS, loadCreditCard, parseCreditCardCsv } from "../src/data/creditcard";
import { loadEcg5000, loadEcg5000Ucr } from "../src/data/ecg5000";
import { DataParseError } from "../src/data/errors";
import { Float64Matrix } from "../src/data/matrix";
import { parseNabCsv } from "../src/data/nab";
import { forEachRecord, parseNumberField, parseNumericTable } from "../src/data/text-table";
import { parseNaiveTimestamp } from "../src/data/timestamps";

const folder = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-parse-"));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(folder, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Asserts a DataParseError at the given place whose message contains `problem`. */
function parseError(file: string, line: number, column: number | undefined, problem: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DataParseError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    assert.equal(error.column, column);
    assert.match(error.message, problem);
    assert.ok(error.message.startsWith(`${file}, line ${line}`), error.message);
    return true;
  };
}

const beat = (label: number, first = "0.5") => [first, ...Array.from({ length: 139 }, (_, j) => (j / 100).toFixed(2)), label.toFixed(1)].join(",");

suite("ECG files", () => {
  test("a row with 140 instead of 141 values names its line", async () => {
    const file = write("ecg-short.csv", [beat(1), beat(0), beat(1).split(",").slice(1).join(",")].join("\n") + "\n");
    await assert.rejects(loadEcg5000({ path: file }), parseError(file, 3, undefined, /expected 141 values, got 140/));
  });

  test("a non-number names line and column", async () => {
    const file = write("ecg-text.csv", [beat(1), beat(0, "abc")].join("\r\n") + "\r\n");
    await assert.rejects(loadEcg5000({ path: file }), parseError(file, 2, 1, /column 1: "abc" is not a number/));
  });

  test("an empty field and a NaN are errors, not NaN values", () => {
    assert.throws(() => parseNumericTable("1,,3\n", { file: "f.csv", delimiter: "," }), parseError("f.csv", 1, 2, /empty value where a number is expected/));
    assert.throws(() => parseNumericTable("1,2\n3,NaN\n", { file: "f.csv", delimiter: "," }), parseError("f.csv", 2, 2, /"NaN" is not a number/));
    assert.throws(() => parseNumberField("0x1f", { file: "f.csv", line: 4, column: 3 }), /f\.csv, line 4, column 3: "0x1f" is not a number/);
  });

  test("a label other than 0/1 names line and column 141", async () => {
    const file = write("ecg-label.csv", [beat(1), beat(2)].join("\n"));
    await assert.rejects(loadEcg5000({ path: file }), parseError(file, 2, 141, /label must be 0 or 1, got 2/));
  });

  test("an empty line inside the file is an error; blank lines at the end are not", () => {
    assert.throws(() => parseNumericTable("1,2\n\n3,4\n", { file: "f.csv", delimiter: "," }), parseError("f.csv", 2, undefined, /empty line/));
    assert.equal(parseNumericTable("1,2\n3,4\n\n\r\n", { file: "f.csv", delimiter: "," }).nRows, 2);
  });

  test("a UCR class outside 1..5 names its line", async () => {
    const row = (cls: string) => ["", cls, ...Array.from({ length: 140 }, () => "1.0000000e-01")].join("  ");
    const file = write("ECG5000_TEST.txt", [row("1.0000000e+00"), row("7.0000000e+00")].join("\n") + "\n");
    await assert.rejects(loadEcg5000Ucr("TEST", { path: file }), parseError(file, 2, 1, /class must be an integer 1\.\.5, got 7/));
  });
});

suite("credit-card files", () => {
  const header = CREDIT_CARD_COLUMNS.join(",");
  const row = (cls: string) => ["0", ...Array.from({ length: 28 }, () => "0.1"), "9.99", cls].join(",");

  test("a missing and an extra column are named", async () => {
    const names = CREDIT_CARD_COLUMNS.map((c) => (c === "V7" ? "Foo" : c));
    const file = write("cc-columns.csv", `${names.join(",")}\n${row("0")}\n`);
    await assert.rejects(loadCreditCard({ path: file }), parseError(file, 1, undefined, /missing column\(s\) V7; unexpected column\(s\) "Foo"/));
  });

  test("quoted Kaggle form is accepted, any other Class is an error with line and column", () => {
    const quoted = `${CREDIT_CARD_COLUMNS.map((c) => `"${c}"`).join(",")}\n${row('"0"')}\n${row('"1"')}\n`;
    const parsed = parseCreditCardCsv(quoted, "kaggle.csv");
    assert.equal(parsed.nRows, 2);
    assert.equal(parsed.nFraud, 1);
    assert.deepEqual(parsed.df.getColumn("Class").toArray(), [0, 1]);
    assert.throws(() => parseCreditCardCsv(`${header}\n${row("0")}\n${row("2")}\n`, "cc.csv"), parseError("cc.csv", 3, 31, /\("Class"\): Class must be 0 or 1, got "2"/));
  });

  test("a bad Amount names its column", () => {
    const bad = row("0").replace("9.99", "9,99");
    assert.throws(() => parseCreditCardCsv(`${header}\n${bad}\n`, "cc.csv"), parseError("cc.csv", 2, undefined, /expected 31 values, got 32/));
    const text = row("0").replace("9.99", "n/a");
    assert.throws(() => parseCreditCardCsv(`${header}\n${text}\n`, "cc.csv"), parseError("cc.csv", 2, 30, /column 30 \("Amount"\): "n\/a" is not a number/));
  });
});

suite("NAB and timestamps", () => {
  test("a bad timestamp and a missing value name line and column", () => {
    const ok = "timestamp,value\n2014-07-01 00:00:00,1\n";
    assert.throws(() => parseNabCsv(`${ok}2014-07-01 00:30,2\n`, "s.csv"), parseError("s.csv", 3, 1, /\("timestamp"\): invalid timestamp "2014-07-01 00:30"/));
    assert.throws(() => parseNabCsv(`${ok}2014-02-30 00:00:00,2\n`, "s.csv"), parseError("s.csv", 3, 1, /no such date or time/));
    assert.throws(() => parseNabCsv(`${ok}2014-07-01 01:00:00\n`, "s.csv"), parseError("s.csv", 3, undefined, /expected 2 values, got 1/));
    assert.throws(() => parseNabCsv("time,value\n", "s.csv"), parseError("s.csv", 1, undefined, /header must be "timestamp,value"/));
  });

  test("timestamps are read as UTC in both forms", () => {
    assert.equal(parseNaiveTimestamp("2004.02.12.10.32.39").toISOString(), "2004-02-12T10:32:39.000Z");
    assert.equal(parseNaiveTimestamp("2014-04-10 07:15:00.000000").toISOString(), "2014-04-10T07:15:00.000Z");
  });
});

suite("bearing files", () => {
  const rawRow = "-0.049\t-0.071\t-0.132\t-0.010\r\n";

  test("a raw file with the wrong row count or field count is an error", async () => {
    const short = write("raw-short/2004.02.12.10.32.39", rawRow.repeat(10));
    await assert.rejects(bearingFileMeans(short, { dropFirstRow: true }), parseError(short, 11, undefined, /expected 20480 sample rows, got 10/));
    const three = write("raw-three/2004.02.12.10.32.39", rawRow.repeat(5) + "-0.049\t-0.071\t-0.132\r\n");
    await assert.rejects(bearingFileMeans(three, { dropFirstRow: true, samplesPerFile: 6 }), parseError(three, 6, undefined, /expected 4 values, got 3/));
  });

  test("both conventions on a tiny file: the first row counts only when dropFirstRow is false", async () => {
    const file = write("raw-tiny/2004.02.12.10.32.39", "1.000\t-2.000\t0.000\t4.000\r\n" + "-3.000\t2.000\t1.000\t0.000\r\n".repeat(3));
    assert.deepEqual(await bearingFileMeans(file, { dropFirstRow: true, samplesPerFile: 4 }), [3, 2, 1, 0]);
    assert.deepEqual(await bearingFileMeans(file, { dropFirstRow: false, samplesPerFile: 4 }), [2.5, 2, 0.75, 1]);
  });

  test("the convention must be chosen, and the folder must hold raw files", async () => {
    await assert.rejects(aggregateBearingFiles(folder, {} as { dropFirstRow: boolean }), /options\.dropFirstRow must be true .* or false/);
    const empty = path.join(folder, "no-raw");
    fs.mkdirSync(empty);
    await assert.rejects(aggregateBearingFiles(empty, { dropFirstRow: false }), /no raw files named YYYY\.MM\.DD\.hh\.mm\.ss in .*no-raw/);
  });

  test("a table without the pandas index header is rejected", async () => {
    const file = write("merged.csv", "timestamp,Bearing 1,Bearing 2,Bearing 3,Bearing 4\n2004-02-12 10:32:39,1,2,3,4\n");
    await assert.rejects(loadBearingTest2({ path: file }), parseError(file, 1, 1, /expected an empty header cell/));
  });
});

suite("Float64Matrix", () => {
  test("checks its shape and indices", () => {
    assert.throws(() => new Float64Matrix(2, 3, new Float64Array(5)), /data has 5 values, shape 2 x 3 needs 6/);
    const m = new Float64Matrix(2, 2, Float64Array.from([1, 2, 3, 4]));
    assert.deepEqual(m.rows(), [[1, 2], [3, 4]]);
    assert.deepEqual(Array.from(m.selectRows([1, 0]).data), [3, 4, 1, 2]);
    assert.deepEqual(Array.from(m.column(1)), [2, 4]);
    assert.throws(() => m.get(2, 0), /row 2 is outside 0\.\.1/);
  });

  test("forEachRecord strips quotes and handles CRLF", () => {
    const seen: string[][] = [];
    forEachRecord('"a","b"\r\n1,2', { file: "q.csv", delimiter: "," }, (r) => seen.push(r.fields));
    assert.deepEqual(seen, [["a", "b"], ["1", "2"]]);
  });
});
