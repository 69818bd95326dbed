/**
 * Fashion-MNIST (Zalando Research): 28 x 28 greyscale images of 10 clothing classes in MNIST's IDX
 * format. The files come from the cache, the mirror, Debian's dataset-fashion-mnist package
 * (/usr/share/datasets/fashion-mnist/) or upstream, and are checked by the sha256 of their contents.
 */
import * as fs from "node:fs";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describeSource, formatCount } from "./describe";
import { ChecksumMismatchError } from "./errors";
import { fetchDatasetFile, FetchedFile, FetchOptions } from "./fetch";
import { IdxFormatError, parseIdx } from "./idx";
import { registryFile } from "./registry";

const DATASET = "fashion-mnist";
/** Names of the ten classes, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
/** Side of an image in pixels. */
export const FASHION_MNIST_SIDE = 28;

export interface FashionMnistOptions extends FetchOptions {
  /** "train" (60,000 images, default) or "test" (10,000). */
  split?: "train" | "test";
}

/** One split of Fashion-MNIST: pixels as bytes (0..255), one row of 784 per image. */
export interface FashionMnist {
  split: "train" | "test";
  /** Row-major [nImages, 784] pixel bytes (row i, pixel y*28+x). */
  pixels: Uint8Array;
  /** Label 0..9 of each image (see {@link FASHION_MNIST_CLASSES}). */
  labels: Uint8Array;
  nImages: number;
  height: number;
  width: number;
  sources: { images: FetchedFile; labels: FetchedFile };
  /** Provenance and counts, for notebooks to print. */
  description: string;
}

/**
 * Loads one split of Fashion-MNIST. Pixels stay bytes (60,000 images are 47 MB, 376 MB as doubles):
 * take the rows you need with {@link fashionMnistRows}.
 *
 * @example
 * const train = await loadFashionMnist({ split: "train" });
 * train.nImages; // 60000
 * const X = fashionMnistRows(train, indices); // number[][] of 784 values in [0, 1]
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test") throw new Error(`loadFashionMnist: split must be "train" or "test", got ${JSON.stringify(split)}`);
  if (options.path !== undefined) throw new Error("loadFashionMnist: the path option is not supported (four files); use mirror or dataHome");
  const prefix = split === "train" ? "train" : "t10k";
  const imagesFile = await fetchDatasetFile(DATASET, `${prefix}-images-idx3-ubyte.gz`, options);
  const labelsFile = await fetchDatasetFile(DATASET, `${prefix}-labels-idx1-ubyte.gz`, options);
  const images = parseIdx(readVerified(imagesFile), imagesFile.path, { dimensions: 3 });
  const labels = parseIdx(readVerified(labelsFile), labelsFile.path, { dimensions: 1 });
  const [n, height, width] = images.shape as [number, number, number];
  if (height !== FASHION_MNIST_SIDE || width !== FASHION_MNIST_SIDE) {
    throw new IdxFormatError(imagesFile.path, `images are ${height} x ${width}, expected ${FASHION_MNIST_SIDE} x ${FASHION_MNIST_SIDE}`);
  }
  if (labels.shape[0] !== n) throw new IdxFormatError(labelsFile.path, `${labels.shape[0]} labels for ${n} images in ${imagesFile.path}`);
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new IdxFormatError(labelsFile.path, `label ${labels.data[bad]} of image ${bad} is outside 0..9`);
  const description =
    `Fashion-MNIST ${split} split: ${formatCount(n)} images of ${height} x ${width} pixels, 10 classes. ` +
    `${describeSource(imagesFile, `fashion_mnist/${prefix}-images-idx3-ubyte.gz`)} ${describeSource(labelsFile, `fashion_mnist/${prefix}-labels-idx1-ubyte.gz`)}`;
  return { split, pixels: images.data, labels: labels.data, nImages: n, height, width, sources: { images: imagesFile, labels: labelsFile }, description };
}

/**
 * Images `indices` of a split as rows of 784 values scaled to [0, 1] (pixel / 255), the article's input.
 *
 * @example fashionMnistRows(train, [0, 1])[0].length; // 784
 */
export function fashionMnistRows(data: Pick<FashionMnist, "pixels" | "nImages" | "height" | "width">, indices: readonly number[]): number[][] {
  const size = data.height * data.width;
  return indices.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= data.nImages) throw new RangeError(`fashionMnistRows: image index ${i} is outside 0..${data.nImages - 1}`);
    return Array.from(data.pixels.subarray(i * size, (i + 1) * size), (v) => v / 255);
  });
}

// The registry has no checksum of the .gz bytes (Debian recompressed them), so the contents are checked.
function readVerified(file: FetchedFile): Uint8Array {
  const bytes = fs.readFileSync(file.path);
  const expected = file.fileId === null ? null : registryFile(DATASET, file.fileId).contentSha256;
  if (expected === null) return bytes;
  let contents: Uint8Array;
  try {
    contents = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  } catch (error) {
    throw new IdxFormatError(file.path, `gzip data is corrupt or truncated (${(error as Error).message})`);
  }
  const actual = createHash("sha256").update(contents).digest("hex");
  if (actual !== expected) {
    throw new ChecksumMismatchError(`fashion_mnist/${file.fileId} (gunzipped contents)`, file.path, expected, actual, "The file was not used; remove it or fetch a fresh copy.");
  }
  file.verification = "verified";
  return contents;
}
