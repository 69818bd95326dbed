/**
 * Constructor options as values (scikit-learn's `get_params` / `clone`): copied for a clone, written to JSON in a
 * saved detector and read back. Options are plain values (numbers, strings, booleans, null, arrays and objects of
 * them), with three exceptions: a RandomState (copied in its current state; saved as its generator's state), a
 * nested detector (cloned), and what only lives in memory (a progress callback, validation rows: kept by a clone,
 * refused by a save unless the class leaves them out).
 */
import { RandomState, type RandomStateSnapshot } from "../random/random-state";
import { describe, isPlainObject } from "./fields";
import { decodeNumber, encodeArray, encodeNumber, StateReader } from "./state-codec";

/** A detector's constructor options, every one of them, defaults filled in (what `getParams()` returns). */
export type DetectorParams = Record<string, unknown>;

/** What a clone needs of a nested detector. */
interface Cloneable {
  clone(): unknown;
}

/**
 * A deep copy of `params` for a new detector (scikit-learn's `clone`): arrays and plain objects copied, a
 * RandomState copied in its current state (the clone draws what the original would draw next), a nested detector
 * cloned; anything else (functions, data) shared.
 */
export function cloneParams(params: DetectorParams): DetectorParams {
  return copyValue(params) as DetectorParams;
}

function copyValue(value: unknown): unknown {
  if (value instanceof RandomState) return value.copy();
  if (Array.isArray(value)) return value.map(copyValue);
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice();
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyValue(item)]));
  }
  if (typeof (value as Partial<Cloneable> | null)?.clone === "function") return (value as Cloneable).clone();
  return value;
}

/**
 * `params` with `overrides` (scikit-learn's `clone(est).set_params(**overrides)`); an override that is not one of
 * the detector's options is refused, naming them.
 */
export function withOverrides(params: DetectorParams, overrides: DetectorParams, context: string): DetectorParams {
  const unknown = Object.keys(overrides).filter((name) => !(name in params));
  if (unknown.length > 0) {
    const names = Object.keys(params).join(", ");
    const quoted = unknown.map((name) => JSON.stringify(name)).join(", ");
    throw new RangeError(`${context}: ${quoted} is not an option of it (its options: ${names})`);
  }
  return { ...params, ...overrides };
}

/**
 * `params` as JSON: undefined options left out (the constructor's default is what they stand for), numbers JSON
 * cannot hold as `{ "$number": "Infinity" }`, a RandomState as `{ "$randomState": { key, pos, cachedGaussian } }`
 * (its generator's state: a loaded detector draws what the saved one would have drawn next).
 * A function or data in an option cannot be saved and is refused by name (`context` says who saves).
 */
export function encodeParams(params: DetectorParams, context: string): Record<string, unknown> {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) encoded[name] = encodeValue(value, name, context);
  }
  return encoded;
}

function encodeValue(value: unknown, name: string, context: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    return Number.isFinite(value) && !Object.is(value, -0) ? value : { $number: encodeNumber(value) };
  }
  if (value instanceof RandomState) {
    const { key, pos, cachedGaussian } = value.getState();
    return { $randomState: { key: encodeArray(Uint32Array.from(key)), pos, cachedGaussian } };
  }
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, `${name}[${i}]`, context));
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return Object.fromEntries(entries.map(([key, item]) => [key, encodeValue(item, `${name}.${key}`, context)]));
  }
  const type = value?.constructor?.name ?? typeof value;
  const kind = typeof value === "function" ? "a function" : `${describe(value)} (${type})`;
  const instead = "build the detector without it to save it";
  throw new TypeError(`${context}: the option ${name} is ${kind}, which cannot be saved; ${instead}`);
}

/** The options saved by {@link encodeParams}; `where` names the file and `path` the field in errors. */
export function decodeParams(json: unknown, where: string, path = "params"): DetectorParams {
  if (!isPlainObject(json)) throw new Error(`${where}: ${path} must be an object, got ${describe(json)}`);
  const entries = Object.entries(json).map(([name, value]) => [name, decodeValue(value, `${path}.${name}`, where)]);
  return Object.fromEntries(entries);
}

function decodeValue(value: unknown, path: string, where: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => decodeValue(item, `${path}[${i}]`, where));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$number") {
    const number = decodeNumber(value.$number);
    if (number === undefined || typeof value.$number === "number") {
      const expected = '"NaN", "Infinity", "-Infinity" or "-0"';
      throw new Error(`${where}: ${path}.$number must be ${expected}, got ${describe(value.$number)}`);
    }
    return number;
  }
  if (keys.length === 1 && keys[0] === "$randomState") {
    return decodeRandomState(value.$randomState, `${path}.$randomState`, where);
  }
  return decodeParams(value, where, path);
}

function decodeRandomState(value: unknown, path: string, where: string): RandomState {
  const state = StateReader.of(value, where, path);
  const cached = state.raw("cachedGaussian");
  const snapshot: RandomStateSnapshot = {
    key: state.uint32("key", { length: 624 }),
    pos: state.count("pos", 0, 624),
    cachedGaussian: cached === null ? null : state.number("cachedGaussian"),
  };
  return RandomState.fromState(snapshot);
}
