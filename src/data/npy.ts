/**
 * NumPy's .npy format (numpy.lib.format) and .npz archives (a zip of .npy files, `np.savez` /
 * `np.savez_compressed`). A .npy file is the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or
 * 3.0), the header length (uint16 in version 1, uint32 from version 2), a header that is a Python
 * dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, then the raw values.
 */
import { readZipEntries } from "./archive";

/** One parsed array: values as doubles, in C (row-major) order whatever the file's order. */
export interface NpyArray {
  /** numpy's dtype string as stored, e.g. "<f8", "|u1", "<i8". */
  dtype: string;
  /** Sizes of the dimensions, e.g. [1831, 21]; [] for a 0-d array (one value). */
  shape: number[];
  /** Whether the file stored the values in Fortran (column-major) order; `data` is row-major either way. */
  fortranOrder: boolean;
  /** The values in row-major order, converted to doubles (integers beyond 2^53 are refused). */
  data: Float64Array;
}

/** A .npy file (or an array inside a .npz) is malformed or unsupported: names the file and what is wrong. */
export class NpyFormatError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: not a readable NumPy array: ${problem}`);
    this.name = "NpyFormatError";
    this.file = file;
    this.problem = problem;
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

interface ElementType {
  readonly bytes: number;
  read(view: DataView, offset: number, little: boolean): number | bigint;
}

/** Element types by numpy kind + item size ("f8" = float64, "b1" = bool, ...). */
const ELEMENT_TYPES: Readonly<Record<string, ElementType>> = {
  b1: { bytes: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
  i1: { bytes: 1, read: (v, o) => v.getInt8(o) },
  u1: { bytes: 1, read: (v, o) => v.getUint8(o) },
  i2: { bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  u2: { bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  i4: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  u4: { bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
  i8: { bytes: 8, read: (v, o, le) => v.getBigInt64(o, le) },
  u8: { bytes: 8, read: (v, o, le) => v.getBigUint64(o, le) },
  f4: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
};

/**
 * Parses the bytes of one .npy file. Supports versions 1.0, 2.0 and 3.0, C and Fortran order, and
 * the numeric dtypes bool (|b1), int8..int64, uint8..uint64, float32 and float64 in either byte
 * order. Structured, object (pickled), string and complex arrays are refused, as are truncated
 * files and files with bytes after the values; every message names `file` and the problem.
 *
 * @example
 * const a = parseNpy(fs.readFileSync("x.npy"), "x.npy");
 * a.shape; // [3, 4]
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (problem: string): never => {
    throw new NpyFormatError(file, problem);
  };
  if (bytes.length < 10 || !MAGIC.every((b, k) => bytes[k] === b)) {
    fail(`does not start with the .npy magic string "\\x93NUMPY" (${bytes.length} bytes; first: ${hexBytes(bytes.subarray(0, 6))})`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0 || major < 1 || major > 3) fail(`format version ${major}.${minor} is not 1.0, 2.0 or 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart) fail(`truncated: ${bytes.length} bytes, the version ${major} preamble needs ${headerStart}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) fail(`truncated header: it announces ${headerLength} bytes, the file has ${bytes.length - headerStart} after the preamble`);
  // Version 3 headers are UTF-8; earlier ones latin-1 (the same for the ASCII numpy writes).
  const headerText = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText, fail);
  const { dtype, shape, fortranOrder } = header;

  const byteOrder = dtype[0]!;
  const code = dtype.slice(1);
  const element = ELEMENT_TYPES[code];
  if (!"<>|=".includes(byteOrder) || element === undefined) {
    const kind = code[0];
    const why = kind === "O" ? "object arrays hold pickled Python objects" : kind === "U" || kind === "S" ? "text arrays" : kind === "c" ? "complex numbers" : kind === "M" || kind === "m" ? "dates and times" : "unknown type";
    fail(`dtype '${dtype}' is not supported (${why}); supported: bool, int8..int64, uint8..uint64, float32, float64`);
  }
  const little = byteOrder !== ">";
  const count = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - dataStart;
  const needed = count * element!.bytes;
  if (available < needed) {
    fail(`truncated: shape (${shape.join(", ")}) of '${dtype}' needs ${needed} bytes of values, the file has ${available}`);
  }
  if (available > needed) fail(`${available - needed} unexpected bytes after the ${needed} bytes of values of shape (${shape.join(", ")})`);

  const stored = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const value = element!.read(view, dataStart + k * element!.bytes, little);
    if (typeof value === "bigint") {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        fail(`value ${value} at flat index ${k} is beyond 2^53 and cannot be held exactly as a double`);
      }
      stored[k] = Number(value);
    } else {
      stored[k] = value;
    }
  }
  return { dtype, shape, fortranOrder, data: fortranOrder && shape.length > 1 ? fortranToC(stored, shape) : stored };
}

/**
 * Reads every array of a .npz file (zip of .npy files; stored or deflated), keyed by name without
 * ".npy" ("X", "y"). Zip problems throw the archive module's `ArchiveError`, array problems an
 * {@link NpyFormatError} naming "<file>: <entry>".
 *
 * @example
 * const arrays = await readNpz("6_cardio.npz");
 * arrays.get("X")!.shape; // [1831, 21]
 */
export async function readNpz(file: string): Promise<Map<string, NpyArray>> {
  const entries = await readZipEntries(file);
  const arrays = new Map<string, NpyArray>();
  for (const [name, bytes] of entries) {
    if (!name.endsWith(".npy")) continue;
    arrays.set(name.slice(0, -".npy".length), parseNpy(bytes, `${file}: ${name}`));
  }
  return arrays;
}

interface NpyHeader {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
}

function parseHeader(text: string, fail: (problem: string) => never): NpyHeader {
  let value: PythonLiteral;
  try {
    value = new LiteralReader(text.trimEnd()).readAll();
  } catch (error) {
    return fail(`header ${JSON.stringify(text.trim())} is not a Python dict literal (${(error as Error).message})`);
  }
  if (!(value instanceof Map)) return fail(`header ${JSON.stringify(text.trim())} is not a dict`);
  const keys = [...value.keys()].sort();
  if (keys.join(",") !== "descr,fortran_order,shape") {
    fail(`header keys are [${keys.join(", ")}], expected descr, fortran_order, shape`);
  }
  const descr = value.get("descr");
  if (typeof descr !== "string") return fail(`descr ${describeLiteral(descr)} is a structured dtype; only plain numeric dtypes are supported`);
  const fortran = value.get("fortran_order");
  if (typeof fortran !== "boolean") return fail(`fortran_order must be True or False, got ${describeLiteral(fortran)}`);
  const shape = value.get("shape");
  if (!(Array.isArray(shape) && shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0))) {
    return fail(`shape must be a tuple of non-negative integers, got ${describeLiteral(shape)}`);
  }
  return { dtype: descr, shape: shape as number[], fortranOrder: fortran };
}

/** Row-major copy of values stored in Fortran order (the first index varies fastest). */
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(values.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  // Walk the C order; keep the Fortran offset of the current index.
  const fortranStride = new Array<number>(rank);
  let stride = 1;
  for (let d = 0; d < rank; d++) {
    fortranStride[d] = stride;
    stride *= shape[d]!;
  }
  let offset = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = values[offset]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      offset += fortranStride[d]!;
      if (index[d]! < shape[d]!) break;
      offset -= index[d]! * fortranStride[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** The Python literals an .npy header uses: str, int, bool, None, tuples/lists and dicts. */
type PythonLiteral = string | number | boolean | null | PythonLiteral[] | Map<string, PythonLiteral>;

/** A small reader for the subset of Python literal syntax numpy writes in headers. */
class LiteralReader {
  private at = 0;
  constructor(private readonly text: string) {}

  readAll(): PythonLiteral {
    const value = this.value();
    this.space();
    if (this.at !== this.text.length) throw new Error(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 10))} at character ${this.at}`);
    return value;
  }

  private value(): PythonLiteral {
    this.space();
    const c = this.text[this.at];
    if (c === "{") return this.dict();
    if (c === "(" || c === "[") return this.sequence(c === "(" ? ")" : "]");
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|-?\d+L?)/.exec(this.text.slice(this.at));
    if (word === null) throw new Error(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 10) || "end of header")} at character ${this.at}`);
    this.at += word[0].length;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    return Number(word[0].replace("L", "")); // Python 2 wrote long integers as 3L
  }

  private dict(): Map<string, PythonLiteral> {
    const result = new Map<string, PythonLiteral>();
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === "}") {
        this.at++;
        return result;
      }
      const key = this.value();
      if (typeof key !== "string") throw new Error(`dict key ${describeLiteral(key)} is not a string`);
      this.expect(":");
      result.set(key, this.value());
      if (!this.separator("}")) {
        this.at++;
        return result;
      }
    }
  }

  private sequence(close: string): PythonLiteral[] {
    const items: PythonLiteral[] = [];
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(this.value());
      if (!this.separator(close)) {
        this.at++;
        return items;
      }
    }
  }

  /** After an item: true after a comma, false when `close` follows (not consumed). */
  private separator(close: string): boolean {
    this.space();
    const c = this.text[this.at];
    if (c === ",") {
      this.at++;
      return true;
    }
    if (c === close) return false;
    throw new Error(`expected "," or "${close}" at character ${this.at}, found ${JSON.stringify(c ?? "end of header")}`);
  }

  private string(): string {
    const quote = this.text[this.at];
    const end = this.text.indexOf(quote!, this.at + 1);
    if (end < 0) throw new Error(`unterminated string at character ${this.at}`);
    const value = this.text.slice(this.at + 1, end);
    this.at = end + 1;
    return value;
  }

  private expect(c: string): void {
    this.space();
    if (this.text[this.at] !== c) throw new Error(`expected "${c}" at character ${this.at}`);
    this.at++;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
}

function describeLiteral(value: PythonLiteral | undefined): string {
  if (value instanceof Map) return `{${[...value.keys()].join(", ")}}`;
  return JSON.stringify(value) ?? "nothing";
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ") || "none";
}
