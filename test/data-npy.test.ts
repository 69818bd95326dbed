// NumPy .npy / .npz reading (src/data/npy.ts) and the ADBench loader (src/data/adbench.ts). The small files
// under test/fixtures/data/npy/ were written by numpy itself, and test/fixtures/data/npy.json holds numpy's
// reading of them and of five ADBench files of the mirror (test/reference/npy.py).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import { ADBENCH_DATASETS, adbenchId, loadAdbench } from "../src/data/adbench";
import { ArchiveError } from "../src/data/archive";
import { FetchOptions } from "../src/data/fetch";
import { NpyFormatError, parseNpy, readNpz } from "../src/data/npy";
import { datasetInfo } from "../src/data/registry";
import { assertNear } from "./helpers/assertions";
import { readFixture } from "./helpers/fixtures";
import { MIRROR_ROOT } from "./helpers/mirror";

interface Described {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  values: number[];
}
const reference = readFixture("data/npy.json") as {
  small: Record<string, Described>;
  npz: { X: Described; y: Described };
  adbench: Record<string, { dtype: string; shape: number[]; nOutliers: number; firstRow: number[]; lastRow: number[]; weightedSum: number; firstLabels: number[] }>;
};
const FOLDER = path.join(__dirname, "fixtures", "data", "npy");
const fixture = (name: string) => path.join(FOLDER, name);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-npy-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const emptyCache = path.join(scratch, "cache");
const options: FetchOptions = { mirror: MIRROR_ROOT, dataHome: emptyCache, allowUpstream: false, progress: false };

function assertSameValues(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) assert.ok(Object.is(actual[k], expected[k]), `${what}[${k}]: ${actual[k]} vs numpy's ${expected[k]}`);
}

/** Compensated sum of x[k] * (k % 97), close to Python's math.fsum. */
function weightedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]! * (k % 97);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** A .npy file with the given header text and value bytes (version 1.0, header padded as numpy pads it). */
function npyBytes(header: string, values: Buffer = Buffer.alloc(0), version = 1): Buffer {
  const preamble = version === 1 ? 10 : 12;
  const padded = header + " ".repeat((64 - ((preamble + header.length + 1) % 64)) % 64) + "\n";
  const head = Buffer.alloc(preamble);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, "latin1"), values]);
}

function rejects(bytes: Buffer, pattern: RegExp): void {
  assert.throws(
    () => parseNpy(bytes, "bad.npy"),
    (e: unknown) => e instanceof NpyFormatError && e.file === "bad.npy" && e.message.startsWith("bad.npy: ") && pattern.test(e.message),
  );
}

suite("parseNpy", () => {
  for (const [name, expected] of Object.entries(reference.small)) {
    test(`${name}.npy: dtype ${expected.dtype}, shape (${expected.shape.join(", ")}), values in C order as numpy reads them`, () => {
      const array = parseNpy(fs.readFileSync(fixture(`${name}.npy`)), `${name}.npy`);
      assert.equal(array.dtype, expected.dtype);
      assert.deepEqual(array.shape, expected.shape);
      assert.equal(array.fortranOrder, expected.fortranOrder);
      assertSameValues(array.data, expected.values, name);
    });
  }

  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const two = Buffer.alloc(16);

  test("a file without the magic string is refused, naming the file and the first bytes", () => {
    rejects(Buffer.from("X,y\n1,2\n"), /magic string.*first: 58 2c 79 0a 31 2c/);
  });
  test("format version 4.0 is refused", () => {
    const bytes = npyBytes(header, two);
    bytes[6] = 4;
    rejects(bytes, /format version 4\.0 is not 1\.0, 2\.0 or 3\.0/);
  });
  test("a truncated header and truncated values are refused with the byte counts", () => {
    rejects(npyBytes(header, two).subarray(0, 40), /truncated header: it announces 118 bytes, the file has 30/);
    rejects(npyBytes(header, Buffer.alloc(12)), /truncated: shape \(2\) of '<f8' needs 16 bytes of values, the file has 12/);
  });
  test("bytes after the values are refused", () => {
    rejects(npyBytes(header, Buffer.alloc(20)), /4 unexpected bytes after the 16 bytes of values/);
  });
  test("object, text and structured dtypes are refused, saying why", () => {
    rejects(npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", two), /dtype '\|O' is not supported \(object arrays hold pickled Python objects\)/);
    rejects(npyBytes("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", two), /dtype '<U3' is not supported \(text arrays\)/);
    rejects(npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", two), /structured dtype/);
  });
  test("a header that is not a dict with descr, fortran_order and shape is refused", () => {
    rejects(npyBytes("{'descr': '<f8', 'fortran_order': False, }", two), /header keys are \[descr, fortran_order\]/);
    rejects(npyBytes("{'descr': '<f8', 'fortran_order': maybe, 'shape': (2,), }", two), /not a Python dict literal \(unexpected "maybe/);
    rejects(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", two), /shape must be a tuple of non-negative integers, got \[2,-1\]/);
  });
  test("an int64 beyond 2^53 is refused (a double would round it)", () => {
    const bytes = Buffer.from(fs.readFileSync(fixture("i8.npy")));
    bytes.writeBigInt64LE(2n ** 53n + 1n, bytes.length - 48);
    rejects(bytes, /value 9007199254740993 at flat index 0 is beyond 2\^53/);
  });
});

suite("readNpz", () => {
  for (const file of ["stored.npz", "compressed.npz"]) {
    test(`${file} (${file === "stored.npz" ? "np.savez" : "np.savez_compressed"}): X and y as numpy reads them`, async () => {
      const arrays = await readNpz(fixture(file));
      assert.deepEqual([...arrays.keys()].sort(), ["X", "y"]);
      for (const key of ["X", "y"] as const) {
        const array = arrays.get(key)!;
        assert.equal(array.dtype, reference.npz[key].dtype);
        assert.deepEqual(array.shape, reference.npz[key].shape);
        assertSameValues(array.data, reference.npz[key].values, `${file} ${key}`);
      }
    });
  }

  test("a bad array inside names the archive and the entry (pickled object labels)", async () => {
    await assert.rejects(
      readNpz(fixture("object_labels.npz")),
      (e: unknown) => e instanceof NpyFormatError && e.file.endsWith("object_labels.npz: y.npy") && /dtype '\|O' is not supported/.test(e.message),
    );
  });

  test("a file that is not a zip is an ArchiveError naming it", async () => {
    const file = path.join(scratch, "not-a-zip.npz");
    fs.writeFileSync(file, "X,y\n");
    await assert.rejects(readNpz(file), (e: unknown) => e instanceof ArchiveError && e.archive === file && /not a readable zip file/.test(e.message));
  });
});

suite("loadAdbench", () => {
  test("ADBENCH_DATASETS lists exactly the registry's 43 files", () => {
    const files = Object.keys(datasetInfo("adbench-classical").files).map((f) => f.replace(/\.npz$/, ""));
    assert.equal(ADBENCH_DATASETS.length, 43);
    assert.deepEqual([...ADBENCH_DATASETS].sort(), files.sort());
  });

  test('names are accepted as "cardio", "6_cardio", "CARDIO" and "6_cardio.npz"; an unknown name lists the known ones', () => {
    for (const name of ["cardio", "6_cardio", "CARDIO", "6_Cardio.npz", " magic.gamma "]) assert.match(adbenchId(name), /^(6_cardio|22_magic\.gamma)$/);
    assert.equal(adbenchId("satimage-2"), "31_satimage-2");
    assert.throws(() => adbenchId("cardiac"), (e: unknown) => e instanceof RangeError && /Unknown ADBench dataset "cardiac"; known: ALOI, annthyroid, .*yeast$/.test(e.message));
  });

  for (const [id, expected] of Object.entries(reference.adbench)) {
    test(`${id}: shape, dtype, first and last rows, outlier count and a position-weighted sum of X as numpy reads them`, async () => {
      const data = await loadAdbench(id, options);
      assert.equal(data.id, id);
      assert.deepEqual(data.X.shape, expected.shape);
      assert.equal(data.dtype, expected.dtype);
      assert.equal(data.nOutliers, expected.nOutliers);
      assert.equal(data.outlierFraction, expected.nOutliers / expected.shape[0]!);
      assertSameValues(data.X.row(0), expected.firstRow, `${id} X[0]`);
      assertSameValues(data.X.row(data.nRows - 1), expected.lastRow, `${id} X[-1]`);
      assertNear(weightedSum(data.X.data), expected.weightedSum, { relative: 1e-12 }, `${id} weighted sum`);
      assert.deepEqual(Array.from(data.y.subarray(0, 20)), expected.firstLabels);
      assert.equal(data.source.source, "mirror-folder");
      assert.equal(data.source.verification, "verified");
      assert.match(data.description, new RegExp(`^ADBench ${id.replace(".", "\\.")}: .* anomalies .*adbench_classical/${id}\\.npz from the mirror folder \\(sha256 verified\\)`));
    });
  }

  test("{ dataframe: true } also gives a DataFrame x0..x{p-1}, y with the same values", async () => {
    const data = await loadAdbench("glass", { ...options, dataframe: true });
    assert.deepEqual(data.df!.columns, ["x0", "x1", "x2", "x3", "x4", "x5", "x6", "y"]);
    assert.deepEqual(data.df!.getColumn("x3").toArray(), Array.from(data.X.column(3)));
    assert.equal(data.df!.getColumn("y").sum(), reference.adbench["14_glass"]!.nOutliers);
  });

  test("a file with labels other than 0/1, or without y, is refused naming the file and the problem", async () => {
    await assert.rejects(
      loadAdbench("cardio", { ...options, path: fixture("bad_labels.npz") }),
      (e: unknown) => e instanceof NpyFormatError && /bad_labels\.npz: y\.npy: .*label 2 of row 1 is not 0 \(normal\) or 1 \(anomaly\)/.test(e.message),
    );
    await assert.rejects(
      loadAdbench("cardio", { ...options, path: fixture("no_y.npz") }),
      (e: unknown) => e instanceof NpyFormatError && /no_y\.npz: .*holds arrays X and y; this one has \[X\]/.test(e.message),
    );
  });
});
