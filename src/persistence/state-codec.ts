/**
 * Fitted state in JSON, exact to the bit. Typed arrays are written as base64 of their little-endian bytes: every
 * double comes back as it was (NaN, ±Infinity and -0 included, which JSON numbers cannot hold), in ~10.7
 * characters a value where decimal text takes up to 24. A number that JSON cannot hold (NaN, ±Infinity, -0) is
 * written as a string ("NaN", "Infinity", "-Infinity", "-0").
 *
 * Reading goes through {@link StateReader}: every field is checked as it is read (type, length, range), and a
 * field that is missing or wrong is refused naming the file and the field, before any of it reaches the maths.
 */
import { createMatrix, type Matrix } from "../core/matrix";
import { describe, isCount, isPlainObject } from "./fields";

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint32Array;

/** The element types a saved array may have. */
export type ArrayType = "float64" | "int32" | "uint8" | "uint32";

/** A typed array in JSON. */
export interface EncodedArray {
  readonly dtype: ArrayType;
  readonly length: number;
  /** The values' little-endian bytes, base64. */
  readonly base64: string;
}

const BYTES: Record<ArrayType, number> = { float64: 8, int32: 4, uint8: 1, uint32: 4 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeOf(values: TypedArray): ArrayType {
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Uint32Array) return "uint32";
  return "uint8";
}

/** A typed array as JSON (base64 of its little-endian bytes). */
export function encodeArray(values: TypedArray): EncodedArray {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const dtype = dtypeOf(values);
  const littleEndian = LITTLE_ENDIAN || BYTES[dtype] === 1 ? bytes : swapBytes(Buffer.from(bytes), BYTES[dtype]);
  return { dtype, length: values.length, base64: littleEndian.toString("base64") };
}

/** A matrix as JSON: its shape and its row-major values. */
export function encodeMatrix(matrix: Matrix): { rows: number; cols: number; data: EncodedArray } {
  return { rows: matrix.rows, cols: matrix.cols, data: encodeArray(matrix.data) };
}

/** A number as JSON: itself, or a string for the values JSON cannot hold (NaN, ±Infinity, -0). */
export function encodeNumber(value: number): number | string {
  if (Object.is(value, -0)) return "-0";
  return Number.isFinite(value) ? value : String(value);
}

/** The number of {@link encodeNumber}'s output; undefined for anything else. */
export function decodeNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  if (value === "-0") return -0;
  return undefined;
}

function swapBytes(bytes: Buffer, size: number): Buffer {
  if (size === 8) return bytes.swap64();
  if (size === 4) return bytes.swap32();
  return bytes;
}

/** Bounds of a saved number: finite unless `finite: false` (NaN only with `nan: true`), within [min, max]. */
export interface NumberRule {
  readonly finite?: boolean;
  readonly nan?: boolean;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
}

/** A saved array's length and the bounds of each value. */
export interface ArrayRule extends NumberRule {
  readonly length?: number;
}

/**
 * Reads the fields of one saved object, checking each as it is read; errors name the file and the field:
 * "IForestDetector.load: /models/forest.json: state.left must be 300 int32 values, got ...".
 *
 * @example
 * const state = StateReader.of(json.state, "IForestDetector.load: forest.json", "state");
 * const roots = state.int32("roots", { min: 0 });
 */
export class StateReader {
  private constructor(
    private readonly fields: Record<string, unknown>,
    /** File (and the loading class) for error messages. */
    readonly where: string,
    /** The object's own name in error messages, e.g. "state" or "state.histograms[2]". */
    readonly path: string,
  ) {}

  /** A reader of `value`, which must be an object. */
  static of(value: unknown, where: string, path: string): StateReader {
    if (!isPlainObject(value)) throw new Error(`${where}: ${path} must be an object, got ${describe(value)}`);
    return new StateReader(value, where, path);
  }

  /** The error "<where>: <path>.<name> must be <expected>, got <value>". */
  fail(name: string, expected: string, value: unknown): Error {
    return new Error(`${this.where}: ${this.path}.${name} must be ${expected}, got ${describe(value)}`);
  }

  /** Throws {@link fail} unless `ok`: a check across fields ("codebook.rows must be in [1, 4] (k), got 5"). */
  expect(ok: boolean, name: string, expected: string, value: unknown): void {
    if (!ok) throw this.fail(name, expected, value);
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined;
  }

  /** The raw JSON value of a field, unchecked (for fields checked by the caller). */
  raw(name: string): unknown {
    return this.fields[name];
  }

  number(name: string, rule: NumberRule = {}): number {
    const value = decodeNumber(this.fields[name]);
    if (value === undefined || !obeys(value, rule)) throw this.fail(name, describeRule("a number", rule), this.fields[name]);
    return value;
  }

  /** An integer >= `min` (default 0). */
  count(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    return this.number(name, { integer: true, min, max });
  }

  boolean(name: string): boolean {
    const value = this.fields[name];
    if (typeof value !== "boolean") throw this.fail(name, "true or false", value);
    return value;
  }

  /** One of `allowed`. */
  choice<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.fields[name];
    this.expect(allowed.includes(value as T), name, allowed.map((option) => JSON.stringify(option)).join(" or "), value);
    return value as T;
  }

  float64(name: string, rule: ArrayRule = {}): Float64Array {
    return this.array(name, "float64", rule) as Float64Array;
  }

  int32(name: string, rule: ArrayRule = {}): Int32Array {
    return this.array(name, "int32", { ...rule, integer: true }) as Int32Array;
  }

  uint8(name: string, rule: ArrayRule = {}): Uint8Array {
    return this.array(name, "uint8", { ...rule, integer: true }) as Uint8Array;
  }

  uint32(name: string, rule: ArrayRule = {}): Uint32Array {
    return this.array(name, "uint32", { ...rule, integer: true }) as Uint32Array;
  }

  /** A matrix ({@link encodeMatrix}) of the given shape, its values within `rule`. */
  matrix(name: string, shape: { rows?: number; cols?: number } = {}, rule: NumberRule = {}): Matrix {
    const inner = this.object(name);
    const rows = shape.rows === undefined ? inner.count("rows") : inner.count("rows", shape.rows, shape.rows);
    const cols = shape.cols === undefined ? inner.count("cols") : inner.count("cols", shape.cols, shape.cols);
    return createMatrix(rows, cols, inner.float64("data", { ...rule, length: rows * cols }));
  }

  /** A nested object's reader. */
  object(name: string): StateReader {
    return StateReader.of(this.fields[name], this.where, `${this.path}.${name}`);
  }

  /** An array of objects, one reader each (exactly `length` of them when given). */
  objects(name: string, length?: number): StateReader[] {
    const value = this.fields[name];
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      throw this.fail(name, length === undefined ? "an array of objects" : `an array of ${length} objects`, value);
    }
    return value.map((item: unknown, i) => StateReader.of(item, this.where, `${this.path}.${name}[${i}]`));
  }

  /** A JSON array of strings (or null, read as undefined, with `nullable`). */
  strings(name: string, options: { length?: number; nullable?: boolean } = {}): string[] | undefined {
    const value = this.fields[name];
    if (options.nullable && value === null) return undefined;
    const strings = Array.isArray(value) && value.every((item) => typeof item === "string");
    if (!strings || (options.length !== undefined && value.length !== options.length)) {
      const count = options.length === undefined ? "an array of" : `${options.length}`;
      throw this.fail(name, `${count} strings${options.nullable ? " or null" : ""}`, value);
    }
    return value as string[];
  }

  private array(name: string, dtype: ArrayType, rule: ArrayRule): TypedArray {
    const value = this.fields[name];
    const count = rule.length === undefined ? "" : `${rule.length} `;
    const expected = `${count}${dtype} values (an object { dtype: "${dtype}", length, base64 })`;
    if (!isPlainObject(value) || value.dtype !== dtype || !isCount(value.length) || typeof value.base64 !== "string") {
      throw this.fail(name, expected, value);
    }
    this.expect(rule.length === undefined || value.length === rule.length, `${name}.length`, `${rule.length}`, value.length);
    const bytes = Buffer.from(value.base64, "base64");
    if (bytes.length !== value.length * BYTES[dtype] || bytes.toString("base64") !== value.base64) {
      const size = `${value.length * BYTES[dtype]} bytes of base64 (${value.length} ${dtype} values)`;
      throw this.fail(`${name}.base64`, size, `${value.base64.length} characters`);
    }
    const aligned = new Uint8Array(bytes.length);
    aligned.set(bytes);
    if (!LITTLE_ENDIAN && BYTES[dtype] > 1) swapBytes(Buffer.from(aligned.buffer), BYTES[dtype]);
    const values = viewAs(dtype, aligned.buffer);
    for (let i = 0; i < values.length; i++) {
      if (!obeys(values[i], rule)) throw this.fail(`${name}[${i}]`, describeRule("a value", rule), values[i]);
    }
    return values;
  }
}

function viewAs(dtype: ArrayType, buffer: ArrayBuffer): TypedArray {
  if (dtype === "float64") return new Float64Array(buffer);
  if (dtype === "int32") return new Int32Array(buffer);
  if (dtype === "uint32") return new Uint32Array(buffer);
  return new Uint8Array(buffer);
}

function obeys(value: number, rule: NumberRule): boolean {
  if (Number.isNaN(value)) return rule.nan === true;
  if (rule.finite !== false && !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  if (rule.above !== undefined && !(value > rule.above)) return false;
  return true;
}

function describeRule(what: string, rule: NumberRule): string {
  const parts = [rule.integer ? "an integer" : rule.finite === false ? what : what.replace("a ", "a finite ")];
  if (rule.min !== undefined && rule.max !== undefined) parts.push(`in [${rule.min}, ${rule.max}]`);
  else if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.finite === false && !rule.nan) parts.push("(not NaN)");
  return parts.join(" ");
}
