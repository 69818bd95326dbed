/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun's "idx3-ubyte" images, "idx1-ubyte" labels):
 * a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one big-endian
 * uint32 per dimension, then the values. Only unsigned bytes (type 0x08) occur in these data sets.
 */
import { gunzipSync } from "node:zlib";

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** Sizes of the dimensions, e.g. [60000, 28, 28] for images, [60000] for labels. */
  shape: number[];
  /** Values in row-major order (a view on the file's buffer: no copy). */
  data: Uint8Array;
}

/** An IDX file is malformed: the message names the file and what is wrong with it. */
export class IdxFormatError extends Error {
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: not a valid IDX file: ${problem}`);
    this.name = "IdxFormatError";
    this.file = file;
  }
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "int16", 0x0c: "int32", 0x0d: "float32", 0x0e: "float64" };

/**
 * Parses IDX bytes (gzip-compressed or not: the gzip magic 1f 8b is recognised). Checks the magic
 * number, the element type (unsigned bytes), the expected number of dimensions and that the file
 * holds exactly the values its header announces (truncated or over-long files throw).
 *
 * @example parseIdx(fs.readFileSync("t10k-labels-idx1-ubyte.gz"), "t10k-labels", { dimensions: 1 }).shape; // [10000]
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: { dimensions?: number } = {}): IdxArray {
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (error) {
      throw new IdxFormatError(file, `gzip data is corrupt or truncated (${(error as Error).message})`);
    }
  }
  if (raw.length < 4) throw new IdxFormatError(file, `${raw.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  if (raw[0] !== 0 || raw[1] !== 0) throw new IdxFormatError(file, `magic number 0x${hex(magic)} does not start with two zero bytes`);
  const type = raw[2]!;
  const dimensions = raw[3]!;
  if (type !== UNSIGNED_BYTE) {
    throw new IdxFormatError(file, `element type 0x${type.toString(16).padStart(2, "0")} (${TYPE_NAMES[type] ?? "unknown"}); only unsigned bytes (0x08) are supported`);
  }
  if (dimensions === 0) throw new IdxFormatError(file, "magic number announces 0 dimensions");
  if (expect.dimensions !== undefined && dimensions !== expect.dimensions) {
    throw new IdxFormatError(file, `magic number 0x${hex(magic)} announces ${dimensions} dimension(s), expected ${expect.dimensions} (0x${hex(0x800 + expect.dimensions)})`);
  }
  const headerBytes = 4 + 4 * dimensions;
  if (raw.length < headerBytes) throw new IdxFormatError(file, `truncated header: ${raw.length} bytes, the ${dimensions} dimension sizes need ${headerBytes}`);
  const shape = Array.from({ length: dimensions }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const available = raw.length - headerBytes;
  if (available < count) {
    throw new IdxFormatError(file, `truncated: shape [${shape.join(", ")}] needs ${count} values after the header, the file has ${available}`);
  }
  if (available > count) throw new IdxFormatError(file, `${available - count} unexpected bytes after the ${count} values of shape [${shape.join(", ")}]`);
  return { shape, data: raw.subarray(headerBytes) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
