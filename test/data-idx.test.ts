// IDX parsing (magic numbers, sizes, truncation, corrupt gzip) and the Fashion-MNIST loader, checked against
// numpy's reading of the same files (test/reference/fashion_mnist.py -> test/fixtures/fashion_mnist.json).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { describe as suite, test } from "node:test";
import { ChecksumMismatchError, DatasetUnavailableError } from "../src/data/errors";
import { fashionMnistRows, loadFashionMnist } from "../src/data/fashion-mnist";
import { IdxFormatError, parseIdx } from "../src/data/idx";
import { registryFile } from "../src/data/registry";

const reference = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "fashion_mnist.json"), "utf8")) as Record<
  "train" | "test",
  { nImages: number; labelCounts: number[]; firstLabels: number[]; pixelSum: number; imageSums: number[]; lastImageSum: number; image0Row14: number[] }
>;
const DEBIAN = "/usr/share/datasets/fashion-mnist";
const haveDebian = fs.existsSync(path.join(DEBIAN, "t10k-images-idx3-ubyte.gz"));

/** An IDX file of unsigned bytes with the given shape. */
function idx(shape: number[], values?: number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 + shape.length, 0);
  shape.forEach((s, d) => header.writeUInt32BE(s, 4 + 4 * d));
  return Buffer.concat([header, Buffer.from(values ?? Array.from({ length: count }, (_, i) => i % 256))]);
}

suite("parseIdx", () => {
  test("reads shape and values, plain and gzipped", () => {
    const raw = idx([2, 3, 2]);
    for (const bytes of [raw, gzipSync(raw)]) {
      const parsed = parseIdx(bytes, "small.idx", { dimensions: 3 });
      assert.deepEqual(parsed.shape, [2, 3, 2]);
      assert.deepEqual([...parsed.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    }
  });

  test("wrong magic numbers, types and dimensions are named", () => {
    const bad = idx([4]);
    bad[0] = 0x1e;
    assert.throws(() => parseIdx(bad, "a.idx"), (e: unknown) => e instanceof IdxFormatError && /a\.idx: .*two zero bytes/.test(e.message));
    const float = idx([4]);
    float[2] = 0x0d;
    assert.throws(() => parseIdx(float, "f.idx"), /f\.idx: .*0x0d \(float32\); only unsigned bytes/);
    assert.throws(() => parseIdx(idx([4]), "labels.idx", { dimensions: 3 }), /labels\.idx: .*announces 1 dimension\(s\), expected 3 \(0x00000803\)/);
    assert.throws(() => parseIdx(Buffer.from([0, 0]), "tiny.idx"), /tiny\.idx: .*2 bytes, shorter than the 4-byte magic/);
  });

  test("truncated and over-long files are refused with the counts", () => {
    const full = idx([3, 28, 28]);
    assert.throws(() => parseIdx(full.subarray(0, full.length - 10), "t.idx"), /t\.idx: not a valid IDX file: truncated: shape \[3, 28, 28\] needs 2352 values after the header, the file has 2342/);
    assert.throws(() => parseIdx(full.subarray(0, 9), "h.idx"), /h\.idx: .*truncated header: 9 bytes, the 3 dimension sizes need 16/);
    assert.throws(() => parseIdx(Buffer.concat([full, Buffer.from([1, 2])]), "long.idx"), /long\.idx: .*2 unexpected bytes after the 2352 values/);
  });

  test("a truncated or corrupt gzip stream is refused", () => {
    const gz = gzipSync(idx([50, 28, 28]));
    assert.throws(() => parseIdx(gz.subarray(0, gz.length >> 1), "cut.gz"), /cut\.gz: not a valid IDX file: gzip data is corrupt or truncated/);
    const flipped = Buffer.from(gz);
    flipped[flipped.length - 6] ^= 0xff; // CRC / length trailer
    assert.throws(() => parseIdx(flipped, "crc.gz"), /crc\.gz: .*gzip data is corrupt/);
  });
});

suite("loadFashionMnist", { skip: haveDebian ? false : `Debian dataset-fashion-mnist not installed (${DEBIAN})` }, () => {
  for (const split of ["test", "train"] as const) {
    test(`${split} split equals numpy's reading`, async () => {
      const data = await loadFashionMnist({ split, mirror: null, allowUpstream: false, dataHome: fs.mkdtempSync(path.join(os.tmpdir(), "fm-")) });
      const ref = reference[split];
      assert.equal(data.nImages, ref.nImages);
      assert.equal(data.sources.images.source, "system-package");
      assert.equal(data.sources.images.verification, "verified");
      const counts = new Array<number>(10).fill(0);
      for (const label of data.labels) counts[label]!++;
      assert.deepEqual(counts, ref.labelCounts);
      assert.deepEqual([...data.labels.subarray(0, 10)], ref.firstLabels);
      let sum = 0;
      for (const v of data.pixels) sum += v;
      assert.equal(sum, ref.pixelSum);
      const rows = fashionMnistRows(data, [0, 1, 2, 3, 4, data.nImages - 1]);
      assert.deepEqual(rows.slice(0, 5).map((r) => Math.round(r.reduce((a, b) => a + b, 0) * 255)), ref.imageSums);
      assert.equal(Math.round(rows[5]!.reduce((a, b) => a + b, 0) * 255), ref.lastImageSum);
      assert.deepEqual(rows[0]!.slice(14 * 28, 15 * 28).map((v) => Math.round(v * 255)), ref.image0Row14);
      assert.match(data.description, /Fashion-MNIST .* operating-system package .*sha256 verified/);
    });
  }

  test("a mirror copy with other contents is refused; a truncated one names the file", async () => {
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "fm-mirror-"));
    fs.mkdirSync(path.join(mirror, "fashion_mnist"));
    const labels = gzipSync(idx([10000], new Array<number>(10000).fill(3)));
    fs.writeFileSync(path.join(mirror, "fashion_mnist", "t10k-labels-idx1-ubyte.gz"), labels);
    const images = fs.readFileSync(path.join(DEBIAN, "t10k-images-idx3-ubyte.gz"));
    fs.writeFileSync(path.join(mirror, "fashion_mnist", "t10k-images-idx3-ubyte.gz"), images);
    const options = { split: "test" as const, mirror, allowUpstream: false, dataHome: fs.mkdtempSync(path.join(os.tmpdir(), "fm-")) };
    await assert.rejects(loadFashionMnist(options), (e: unknown) => e instanceof ChecksumMismatchError && /t10k-labels-idx1-ubyte\.gz \(gunzipped contents\)/.test(e.message));
    fs.writeFileSync(path.join(mirror, "fashion_mnist", "t10k-images-idx3-ubyte.gz"), images.subarray(0, images.length - 1000));
    await assert.rejects(loadFashionMnist(options), (e: unknown) => e instanceof IdxFormatError && e.message.includes(path.join(mirror, "fashion_mnist", "t10k-images-idx3-ubyte.gz")));
  });
});

test("without any source the error lists the Debian path among those tried", async () => {
  const entry = registryFile("fashion-mnist", "t10k-labels-idx1-ubyte.gz");
  assert.deepEqual(entry.systemPaths, [`${DEBIAN}/t10k-labels-idx1-ubyte.gz`]);
  if (haveDebian) return; // the package satisfies the request; the listing is checked above
  await assert.rejects(loadFashionMnist({ split: "test", mirror: null, allowUpstream: false }), DatasetUnavailableError);
});

test("bad split is refused", async () => {
  await assert.rejects(loadFashionMnist({ split: "validation" as never }), /split must be "train" or "test", got "validation"/);
});
