// Float32 inputs with the values element-wise kernels get wrong first (NaN payloads, ±0, ±Infinity, denormals, FLT_MIN,
// FLT_MAX) mixed into normal values, and a bit-for-bit comparison of two outputs.
import assert from "node:assert/strict";
import type { RandomState } from "../../src/random/random-state";

/** Float32 bit patterns mixed in: NaN payloads (quiet, negative, signalling), ±0, ±Infinity, denormals, ±FLT_MIN, ±FLT_MAX. */
export const SPECIAL_BITS = [
  0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fa00000, 0xff800001, // NaNs
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, // ±0, ±Infinity
  0x00000001, 0x80000001, 0x00400000, 0x807fffff, // denormals
  0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, // ±FLT_MIN, ±FLT_MAX
];

/**
 * Normal values with the `special` bit patterns at random places (about one value in four), and every special
 * value in the first positions too (position i · `spread` mod size), so that the smallest sizes see them.
 */
export function withSpecialValues(random: RandomState, size: number, special: readonly number[] = SPECIAL_BITS, spread = 7): Float32Array {
  const values = Float32Array.from(random.standardNormal(size));
  const bits = new Uint32Array(values.buffer);
  const picks = random.uniform(0, 1, size);
  for (let i = 0; i < size; i++) if (picks[i]! < 0.25) bits[i] = special[Math.floor(picks[i]! * 4 * special.length)]!;
  for (let i = 0; i < Math.min(size, special.length); i++) bits[(i * spread) % size] = special[i]!;
  return values;
}

/** Bit for bit when `bits` (NaN payloads included: on wasm both sides run the same operations), else Object.is. */
export function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string, bits = true): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const [a, e] = [new Uint32Array(actual.buffer, actual.byteOffset, actual.length), new Uint32Array(expected.buffer, expected.byteOffset, expected.length)];
  for (let i = 0; i < actual.length; i++) {
    const same = bits ? a[i] === e[i] : Object.is(actual[i], expected[i]);
    if (!same) assert.fail(`${what}[${i}]: ${actual[i]} (0x${a[i]!.toString(16)}, ours) vs ${expected[i]} (0x${e[i]!.toString(16)}, tfjs)`);
  }
}
