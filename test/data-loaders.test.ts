// Dataset loaders on the real files of the project mirror (../shared/datasets or
// $ANOMALY_LAB_DATA_MIRROR). Expected figures come from test/fixtures/data/reference.json
// (numpy / scikit-learn, test/reference/data.py) and from the mirror's PROVENANCE.txt files.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe as suite, test } from "node:test";
import pl from "nodejs-polars";
import { aggregateBearingFiles, bearingFileMeans, loadBearingTest2 } from "../src/data/bearing";
import { sha256OfFile } from "../src/data/checksum";
import { CREDIT_CARD_COLUMNS, loadCreditCard } from "../src/data/creditcard";
import { ecgTutorialSplit, loadEcg5000, loadEcg5000Ucr } from "../src/data/ecg5000";
import { FetchOptions } from "../src/data/fetch";
import { loadNab, NAB_REAL_KNOWN_CAUSE } from "../src/data/nab";
import { listDatasets } from "../src/data/registry";
import { MIRROR_ROOT } from "./helpers/mirror";

const mirrorRoot = MIRROR_ROOT;
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures/data/reference.json"), "utf8"));
const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
after(() => fs.rmSync(emptyCache, { recursive: true, force: true }));
// Hermetic: this mirror only, an empty cache, never the network.
const options: FetchOptions = { mirror: mirrorRoot, dataHome: emptyCache, allowUpstream: false, progress: false };

/** Compensated sum, close enough to Python's math.fsum for a 1e-12 relative comparison. */
function accurateSum(values: ArrayLike<number>, weight: (k: number) => number = () => 1): number {
  let sum = 0;
  let compensation = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]! * weight(k);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  const tolerance = relative * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

const naive = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");

suite("registry", () => {
  test("every checksum equals the mirror's PROVENANCE.txt (or its SHA256SUMS) and the mirror file", async () => {
    for (const dataset of listDatasets()) {
      // Not mirrored and no gz checksum (fashion-mnist: Debian's package + contentSha256, see test/data-idx.test.ts).
      if (!fs.existsSync(path.join(mirrorRoot, dataset.folder)) && Object.values(dataset.files).every((f) => f.sha256 === null)) continue;
      // PROVENANCE.txt quotes the checksums; a folder with many files (NAB) lists them in SHA256SUMS.
      const sums = path.join(mirrorRoot, dataset.folder, "SHA256SUMS");
      const provenance =
        fs.readFileSync(path.join(mirrorRoot, dataset.folder, "PROVENANCE.txt"), "utf8") + (fs.existsSync(sums) ? fs.readFileSync(sums, "utf8") : "");
      for (const file of Object.values(dataset.files)) {
        const local = path.join(mirrorRoot, file.mirrorPath);
        if (file.sha256 === null) {
          assert.ok(!fs.existsSync(local), `${file.mirrorPath} is in the mirror: record its sha256`);
          continue;
        }
        assert.ok(provenance.includes(file.sha256), `${file.mirrorPath}: sha256 not in ${dataset.folder}/PROVENANCE.txt`);
        assert.equal(await sha256OfFile(local), file.sha256, file.mirrorPath);
        assert.equal(fs.statSync(local).size, file.size, `${file.mirrorPath} size`);
      }
    }
  });

  test("the full credit-card file is listed without a checksum, from TensorFlow's bucket", () => {
    const full = listDatasets().find((d) => d.id === "creditcard-fraud")!.files["creditcard.csv"]!;
    assert.equal(full.sha256, null);
    assert.deepEqual(full.urls, ["https://storage.googleapis.com/download.tensorflow.org/data/creditcard.csv"]);
  });
});

suite("ECG5000", () => {
  test("ecg.csv: 4,998 x 140, 2,919 normal, values as numpy reads them", async () => {
    const ecg = await loadEcg5000(options);
    const ref = reference.ecg;
    assert.deepEqual(ecg.X.shape, ref.shape);
    assert.equal(ecg.nNormal, 2919);
    assert.equal(ecg.nAbnormal, 2079);
    assert.equal(ecg.labels.filter((l) => l === 1).length, ref.nNormal);
    assert.equal(ecg.source.source, "mirror-folder");
    assert.equal(ecg.source.verification, "verified");
    assertClose(accurateSum(ecg.X.data), ref.sum, 1e-12, "sum");
    assertClose(accurateSum(ecg.X.data, (k) => k % 97), ref.weightedSum, 1e-12, "weighted sum");
    assert.deepEqual(Array.from(ecg.X.row(0).subarray(0, 3)), ref.firstRowHead);
    assert.deepEqual(Array.from(ecg.X.row(4997).subarray(137)), ref.lastRowTail);
    assert.match(ecg.description, /4,998 heartbeats x 140 samples; 2,919 normal/);
    // A shared report names the dataset's file and the kind of source, never the author's folders.
    assert.match(ecg.description, / File ecg5000\/ecg\.csv from the mirror folder \(sha256 verified\)\.$/);
    assert.ok(!ecg.description.includes(mirrorRoot), ecg.description);
    assert.equal(ecg.source.path, path.join(mirrorRoot, "ecg5000", "ecg.csv"));
  });

  test("ecgTutorialSplit picks exactly scikit-learn's train_test_split(test_size=0.2, random_state=21) rows", async () => {
    const ecg = await loadEcg5000(options);
    const split = ecgTutorialSplit(ecg);
    const ref = reference.ecgSplit;
    assert.deepEqual(split.train.indices, ref.trainIndices);
    assert.deepEqual(split.test.indices, ref.testIndices);
    assert.deepEqual(split.train.X.shape, [3998, 140]);
    assert.deepEqual(split.test.X.shape, [1000, 140]);
    assert.equal(split.normalTrain.nRows, ref.nNormalTrain);
    assert.equal(split.normalTest.nRows, ref.nNormalTest);
    assert.equal(split.anomalousTrain.nRows + split.normalTrain.nRows, 3998);
    assert.deepEqual(split.test.X.row(0), ecg.X.row(ref.testIndices[0]));
  });

  test("ecgTutorialSplit rejects a testSize outside (0, 1)", async () => {
    const ecg = await loadEcg5000(options);
    assert.throws(() => ecgTutorialSplit(ecg, { testSize: 1.5 }), /testSize must be in \(0, 1\), got 1.5/);
  });

  test("UCR TRAIN: 500 beats, 5 classes as in PROVENANCE, equal to the first 500 rows of ecg.csv", async () => {
    const train = await loadEcg5000Ucr("TRAIN", options);
    assert.deepEqual(train.X.shape, reference.ecgUcrTrain.shape);
    assert.deepEqual(train.classCounts, { 1: 292, 2: 177, 3: 10, 4: 19, 5: 2 });
    assertClose(accurateSum(train.X.data), reference.ecgUcrTrain.sum, 1e-12, "sum");
    assertClose(accurateSum(train.X.data, (k) => k % 97), reference.ecgUcrTrain.weightedSum, 1e-12, "weighted sum");
    const ecg = await loadEcg5000(options);
    assert.deepEqual(train.X.data, ecg.X.data.subarray(0, 500 * 140));
  });

  test("UCR TEST comes from the UCR archive, which the mirror lacks: a clear error lists every source", async () => {
    await assert.rejects(loadEcg5000Ucr("TEST", options), /Could not obtain ecg5000\/ECG5000_TEST.txt\. Sources tried:[\s\S]*ECG5000\.zip[\s\S]*pass \{ archive: /);
  });
});

suite("NASA IMS bearing test 2", () => {
  test("aggregated table: 984 rows, 2004-02-12 10:32:39 .. 2004-02-19 06:22:39", async () => {
    const table = await loadBearingTest2(options);
    const ref = reference.bearing;
    assert.deepEqual(table.df.columns, ["timestamp", "bearing1", "bearing2", "bearing3", "bearing4"]);
    assert.equal(table.df.height, 984);
    assert.equal(ref.rows, 984);
    const times = table.df.getColumn("timestamp").toArray() as unknown as Date[];
    assert.equal(naive(times[0]!), "2004-02-12 10:32:39");
    assert.equal(naive(times[983]!), "2004-02-19 06:22:39");
    assert.equal(naive(times[500]!), ref.timestamp500);
    for (let j = 0; j < 4; j++) {
      const column = table.df.getColumn(`bearing${j + 1}`).toArray() as number[];
      assertClose(accurateSum(column), ref.columnSums[j], 1e-12, `bearing${j + 1} sum`);
      assert.equal(column[500], ref.row500[j]);
    }
  });

  test("raw files give PROVENANCE's means in both conventions (1e-12)", async () => {
    const rawFolder = path.join(mirrorRoot, "nasa_ims_bearing_test2", "raw");
    const published = reference.bearingRawMeans as Record<string, { dropFirstRow: number[]; allRows: number[] }>;
    for (const dropFirstRow of [true, false]) {
      const df = await aggregateBearingFiles(rawFolder, { dropFirstRow });
      assert.equal(df.height, 3);
      const times = (df.getColumn("timestamp").toArray() as unknown as Date[]).map(naive);
      assert.deepEqual(times, ["2004-02-12 10:32:39", "2004-02-12 10:42:39", "2004-02-19 06:22:39"]);
      Object.entries(published).forEach(([name, means], i) => {
        const expected = dropFirstRow ? means.dropFirstRow : means.allRows;
        for (let j = 0; j < 4; j++) {
          const got = df.getColumn(`bearing${j + 1}`).toArray()[i] as number;
          assert.ok(Math.abs(got - expected[j]!) <= 1e-12, `${name} bearing${j + 1} dropFirstRow=${dropFirstRow}: ${got} vs ${expected[j]}`);
        }
      });
    }
  });

  test("the published table equals the raw files with the first row dropped", async () => {
    const table = await loadBearingTest2(options);
    const means = await bearingFileMeans(path.join(mirrorRoot, "nasa_ims_bearing_test2", "raw", "2004.02.19.06.22.39"), { dropFirstRow: true });
    const last = table.df.tail(1);
    means.forEach((m, j) => assert.ok(Math.abs((last.getColumn(`bearing${j + 1}`).toArray()[0] as number) - m) <= 1e-15));
  });
});

suite("credit-card fraud", () => {
  test("real subset: 5,412 rows, 492 frauds, fraud Amount mean as published for the full data", async () => {
    const cc = await loadCreditCard(options);
    const ref = reference.creditcard;
    assert.equal(cc.variant, "subset-5412");
    assert.equal(cc.nRows, 5412);
    assert.equal(cc.nFraud, 492);
    assert.deepEqual(cc.df.columns, CREDIT_CARD_COLUMNS);
    assert.deepEqual(cc.df.columns, ref.header);
    assert.ok(cc.df.getColumn("Class").dtype.equals(pl.Int64), "Class is Int64");
    const classes = cc.df.getColumn("Class").toArray() as number[];
    const amounts = cc.df.getColumn("Amount").toArray() as number[];
    const fraudAmounts = amounts.filter((_, i) => classes[i] === 1);
    assert.equal(Number((accurateSum(fraudAmounts) / fraudAmounts.length).toFixed(6)), ref.fraudAmountMeanPublished);
    assert.equal(Math.max(...fraudAmounts), ref.fraudAmountMaxPublished);
    for (const [name, sum] of Object.entries(ref.columnSums as Record<string, number>)) {
      assertClose(accurateSum(cc.df.getColumn(name).toArray() as number[]), sum, 1e-12, `${name} sum`);
    }
    assert.match(cc.description, /REAL SUBSET .*5,412 transactions, 492 frauds \(9\.09%; the full data has 0\.172%\)/);
  });

  test("the full file is not in the mirror: the error says where to get it", async () => {
    await assert.rejects(loadCreditCard({ ...options, file: "full" }), (error: Error) => {
      assert.match(error.message, /Could not obtain creditcard_fraud\/creditcard\.csv/);
      assert.match(error.message, /download\.tensorflow\.org\/data\/creditcard\.csv/);
      return true;
    });
  });
});

suite("NAB realKnownCause", () => {
  for (const series of NAB_REAL_KNOWN_CAUSE) {
    test(`${series}: rows, values, windows and labels as Python reads them`, async () => {
      const nab = await loadNab(series, options);
      const ref = reference.nab[series];
      assert.deepEqual(nab.df.columns, ["timestamp", "value"]);
      assert.equal(nab.df.height, ref.rows);
      const values = nab.df.getColumn("value").toArray() as number[];
      assertClose(accurateSum(values), ref.valueSum, 1e-12, "value sum");
      assert.equal(Math.min(...values), ref.min);
      assert.equal(Math.max(...values), ref.max);
      const times = nab.df.getColumn("timestamp").toArray() as unknown as Date[];
      assert.equal(naive(times[0]!), ref.first);
      assert.equal(naive(times[times.length - 1]!), ref.last);
      assert.deepEqual(
        nab.windows.map(([a, b]) => [naive(a), naive(b)]),
        ref.windows.map((w: string[]) => w.map((s) => s.slice(0, 19))),
      );
      assert.equal(nab.labels.reduce((s, l) => s + l, 0), ref.rowsInWindows);
      assert.deepEqual(nab.anomalies.map(naive), ref.anomalies);
    });
  }

  test("PROVENANCE row counts (nyc_taxi 10,320 with 5 windows; machine temperature 22,695 with 4)", async () => {
    assert.equal((await loadNab("nyc_taxi.csv", options)).df.height, 10320);
    assert.equal((await loadNab("realKnownCause/nyc_taxi.csv", options)).windows.length, 5);
    const machine = await loadNab("machine_temperature_system_failure", options);
    assert.equal(machine.df.height, 22695);
    assert.equal(machine.windows.length, 4);
  });

  test("an unknown series lists the known ones", async () => {
    await assert.rejects(loadNab("nyc_taxis", options), /unknown series "nyc_taxis"; realKnownCause series are: ambient_temperature_system_failure/);
  });
});
