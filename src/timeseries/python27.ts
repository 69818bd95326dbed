// Two CPython 2.7 (64-bit) behaviours that CAD OSE's published NAB output depends on, reproduced
// exactly: the hash of a tuple of small non-negative ints (CAD OSE keys its memory by it and breaks
// ties between active contexts by it), and the iteration order of a dict with int keys (the order in
// which CAD OSE numbers new contexts). Python 3 changed both (xxHash-based tuple hash in 3.8,
// insertion-ordered dicts in 3.7), so NAB's own code run on Python 3 gives other scores.

/** A signed 64-bit integer as two 32-bit halves: `hi` signed, `lo` unsigned. */
export interface Int64 {
  hi: number;
  lo: number;
}

/** High 32 bits of the unsigned 64-bit product of two unsigned 32-bit ints (exact: partial products stay below 2^53). */
function mulHigh32(a: number, b: number): number {
  const low = a * (b & 0xffff); // < 2^48
  const high = a * (b >>> 16); // < 2^48
  // a·b / 2^32 = (high + low / 2^16) / 2^16, and flooring the inner quotient first changes nothing
  return Math.floor((high + Math.floor(low / 65536)) / 65536);
}

/**
 * CPython 2.7's `hash(tuple)` on a 64-bit build (tuplehash in Objects/tupleobject.c, wrapping
 * arithmetic), for items that are ints in [0, 2^32) (an int hashes to itself).
 *
 * @example python27TupleHash([0, 2, 4]); // { hi, lo } of hash((0, 2, 4))
 */
export function python27TupleHash(items: ArrayLike<number>, start = 0, end = items.length): Int64 {
  const out = { hi: 0, lo: 0 };
  python27TupleHashInto(items, start, end, out);
  return out;
}

/** {@link python27TupleHash} of items[start, end) written into `out` (no allocation, for hot loops). */
export function python27TupleHashInto(items: ArrayLike<number>, start: number, end: number, out: Int64): void {
  let xHi = 0;
  let xLo = 0x345678;
  let mult = 1000003; // stays below 2^32 for tuples shorter than ~50,000 items
  for (let k = start; k < end; k++) {
    const y = items[k]!;
    if (!(y >= 0 && y <= 0xffffffff && Number.isInteger(y))) throw new Error(`python27TupleHash: item ${k} is ${y}; only ints in [0, 2^32) are supported`);
    xLo = (xLo ^ y) >>> 0;
    // x = x * mult (mod 2^64), mult < 2^32
    const hi = (mulHigh32(xLo, mult) + Math.imul(xHi, mult)) | 0;
    xLo = Math.imul(xLo, mult) >>> 0;
    xHi = hi;
    const remaining = end - k - 1;
    mult += 82520 + remaining + remaining;
    if (mult > 0xffffffff) throw new Error("python27TupleHash: tuple too long");
  }
  // x += 97531
  const lo = xLo + 97531;
  xHi = (xHi + (lo > 0xffffffff ? 1 : 0)) | 0;
  xLo = lo >>> 0;
  if (xHi === -1 && xLo === 0xffffffff) xLo = 0xfffffffe; // -1 is reserved for errors
  out.hi = xHi;
  out.lo = xLo;
}

/** Orders two signed 64-bit ints: negative, zero or positive, as a - b. */
export function compareInt64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

const MIN_SIZE = 8; // PyDict_MINSIZE
const PERTURB_SHIFT = 5;

/**
 * A CPython 2.7 dict from small non-negative ints to ints, kept only to know its iteration order:
 * open addressing with the perturbed probe sequence (lookdict), resized to the smallest power of
 * two above 4·used (2·used beyond 50,000) when two thirds full (dict_set_item_by_hash_or_entry),
 * and iterated in slot order. `keys()` / `values()` return the entries in that order.
 */
export class Python27IntDict {
  private keyTable: Int32Array = new Int32Array(MIN_SIZE).fill(-1);
  private valueTable: Int32Array = new Int32Array(MIN_SIZE);
  private used = 0;
  /** Entries in iteration order, rebuilt on insertion. */
  private orderedKeys: Int32Array = new Int32Array(0);
  private orderedValues: Int32Array = new Int32Array(0);

  get size(): number {
    return this.used;
  }

  /** The value stored for `key`, or undefined. */
  get(key: number): number | undefined {
    const slot = this.lookup(this.keyTable, key);
    return this.keyTable[slot] === key ? this.valueTable[slot] : undefined;
  }

  /** Python's `d.setdefault(key, value)`: inserts when absent; returns the stored value. */
  setDefault(key: number, value: number): number {
    if (!(key >= 0 && key <= 0x7fffffff && Number.isInteger(key))) throw new Error(`Python27IntDict: key ${key} must be an int in [0, 2^31)`);
    const slot = this.lookup(this.keyTable, key);
    if (this.keyTable[slot] === key) return this.valueTable[slot]!;
    this.keyTable[slot] = key;
    this.valueTable[slot] = value;
    this.used++;
    // No deletions here, so fill == used.
    if (this.used * 3 >= this.keyTable.length * 2) this.resize(this.used > 50000 ? 2 * this.used : 4 * this.used);
    this.reorder();
    return value;
  }

  /** Keys in iteration order (a view: do not modify). */
  keys(): Int32Array {
    return this.orderedKeys;
  }

  /** Values in iteration order (a view: do not modify). */
  values(): Int32Array {
    return this.orderedValues;
  }

  private lookup(table: Int32Array, key: number): number {
    const mask = table.length - 1;
    let i = key & mask;
    if (table[i] === -1 || table[i] === key) return i;
    // Only i's low bits reach the slot, so keeping i masked gives the same sequence as C's size_t.
    for (let perturb = key; ; perturb = Math.floor(perturb / 2 ** PERTURB_SHIFT)) {
      i = (5 * i + perturb + 1) & mask;
      if (table[i] === -1 || table[i] === key) return i;
    }
  }

  private resize(minUsed: number): void {
    let size = MIN_SIZE;
    while (size <= minUsed) size *= 2;
    const oldKeys = this.keyTable;
    const oldValues = this.valueTable;
    this.keyTable = new Int32Array(size).fill(-1);
    this.valueTable = new Int32Array(size);
    for (let s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] === -1) continue;
      const slot = this.lookup(this.keyTable, oldKeys[s]!);
      this.keyTable[slot] = oldKeys[s]!;
      this.valueTable[slot] = oldValues[s]!;
    }
  }

  private reorder(): void {
    const keys = new Int32Array(this.used);
    const values = new Int32Array(this.used);
    let k = 0;
    for (let s = 0; s < this.keyTable.length; s++) {
      if (this.keyTable[s] === -1) continue;
      keys[k] = this.keyTable[s]!;
      values[k++] = this.valueTable[s]!;
    }
    this.orderedKeys = keys;
    this.orderedValues = values;
  }
}
