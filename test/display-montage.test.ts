// Montage PNGs: decoded back (pngjs's reader) and compared with the pixels drawn by hand.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { PNG } from "pngjs";
import { montage } from "../src/display/montage";

test("a 2 x 2 grid of 2 x 3 images at scale 1, gap 1: every pixel where it belongs", () => {
  const images = [0, 1, 2, 3].map((k) => Array.from({ length: 6 }, (_, i) => (k * 6 + i) / 23));
  const m = montage(images, { height: 2, width: 3, columns: 2, scale: 1, gap: 1, title: "grid" });
  const png = PNG.sync.read(m.png);
  assert.equal(png.width, 1 + 2 * (3 + 1));
  assert.equal(png.height, 1 + 2 * (2 + 1));
  const grey = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
  assert.equal(grey(0, 0), 255); // gap
  for (let k = 0; k < 4; k++) {
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) {
      assert.equal(grey(1 + (k % 2) * 4 + x, 1 + Math.floor(k / 2) * 3 + y), Math.round((255 * (k * 6 + y * 3 + x)) / 23));
    }
  }
  const bundle = m.toMimeBundle();
  assert.equal(Buffer.from(bundle["image/png"] as string, "base64").subarray(1, 4).toString(), "PNG");
  assert.match(bundle["text/plain"] as string, /grid \(4 images, 9 x 7 PNG\)/);
});

test("scale repeats pixels; values outside the range are clipped", () => {
  const m = montage([[-1, 2]], { height: 1, width: 2, scale: 2, gap: 0 });
  const png = PNG.sync.read(m.png);
  assert.deepEqual([png.width, png.height], [4, 2]);
  assert.deepEqual([0, 1, 2, 3].map((x) => png.data[(1 * 4 + x) * 4]), [0, 0, 255, 255]);
});

test("bad input names the image and pixel", () => {
  assert.throws(() => montage([[0, 0, 0]], { height: 2, width: 2 }), /image 0 has 3 values, 2 x 2 needs 4/);
  assert.throws(() => montage([[0, 0], [0, NaN]], { height: 1, width: 2 }), /image 1, pixel \(0, 1\) is NaN/);
  assert.throws(() => montage([]), /non-empty array/);
  assert.throws(() => montage([[0]], { height: 1, width: 1, range: [1, 1] }), /low < high/);
});
