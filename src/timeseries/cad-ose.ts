// CAD OSE: Smirnov's Contextual Anomaly Detector, open-source edition (2016), as NAB runs it
// (nab/detectors/context_ose: contextOSE, 69.9 on NAB's standard profile). Reimplemented from the
// algorithm's description in NAB's Python source, to give the published output bit for bit:
// every value becomes a few "facts" (bits of its 3-bit bin); the detector remembers contexts —
// (left set of facts, right set of facts) pairs seen in consecutive steps — and its anomaly score
// is how few of the contexts it expected came true, plus how many new contexts it had to learn.
// The published run was made with CPython 2.7, whose tuple hash and dict order the algorithm
// depends on (see python27.ts).
import { nabProbationLength } from "./nab-scorer";
import { compareInt64, Python27IntDict, python27TupleHashInto } from "./python27";
import { checkPoint, checkSnapshot, DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";

/** CAD OSE's parameters (defaults are NAB's). */
export interface CadOseOptions {
  /** Lowest value expected (NAB: the file's minimum); values are binned over [minValue, maxValue]. */
  minValue: number;
  /** Highest value expected (NAB: the file's maximum). */
  maxValue: number;
  /** Points after an alarm-level score during which scores are reported as 0 (NAB: probation / 5). */
  restPeriod: number;
  /** A raw score at or above this starts a rest period (default 0.75). */
  baseThreshold?: number;
  /** Longest left semi-context that may combine into new contexts (default 7). */
  maxLeftSemiContextsLength?: number;
  /** Active contexts fed back as facts at the next step (default 15). */
  maxActiveNeurons?: number;
  /** Bits of the binned value (default 3: 8 bins). */
  numNormValueBits?: number;
}

const NEURON_FACT_BASE = 2 ** 31;
const EMPTY_ENTRIES = new Int32Array(0);
const SNAPSHOT_KIND = "cad-ose";
const SNAPSHOT_VERSION = 1;

/** CAD OSE's whole state as plain JSON data. */
export interface CadOseSnapshot extends StreamSnapshot {
  options: Required<CadOseOptions>;
  /** Points seen, and the last point (1-based; 0 = the initial history entry) whose raw score reached baseThreshold. */
  steps: number;
  lastHighStep: number | null;
  leftFactsGroup: number[];
  leftSemiContexts: number[][];
  rightSemiContexts: number[][];
  /** Per context: left semi-context, right semi-context, activation count, zero-level flag (0/1). */
  contexts: { left: number[]; right: number[]; count: number[]; zeroLevel: number[] };
}

/**
 * A tuple of facts (sorted) with its CPython 2.7 hash, and the semi-context it was found or created
 * as (-1 until then; a tuple serves one side only, so a potential's parts are looked up once per step).
 */
interface FactTuple {
  facts: number[];
  hi: number;
  lo: number;
  semi: number;
}

function factTuple(facts: number[]): FactTuple {
  const tuple = { facts, hi: 0, lo: 0, semi: -1 };
  python27TupleHashInto(facts, 0, facts.length, tuple);
  return tuple;
}

/** A copy of `array` twice as long, the new half filled with `fill`. */
function grown(array: Int32Array, fill: number): Int32Array {
  const out = new Int32Array(array.length * 2);
  out.set(array);
  if (fill !== 0) out.fill(fill, array.length);
  return out;
}

/** Whether two tuples hold the same facts (the same object, or equal hashes and facts). */
function sameTuple(a: FactTuple, b: FactTuple): boolean {
  return a === b || (a.hi === b.hi && a.lo === b.lo && sameFacts(a.facts, b.facts));
}

function sameFacts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * One side (left or right) of the context memory: the semi-contexts, which facts they hold, and
 * how many of those are in the current fact group (the "crossing"). The group changes little from
 * one step to the next, so the counts are updated from the facts that left or joined it.
 */
class SemiContexts {
  readonly facts: number[][] = [];
  readonly hashHi: number[] = [];
  readonly hashLo: number[] = [];
  /** The current fact group, sorted. */
  group: number[] = [];
  /** The group as a tuple, hashed when first asked for after it changed. */
  private groupTupleCache: FactTuple | null = null;
  /** Per semi-context: its facts present in `group`. */
  counts: Int32Array = new Int32Array(64);
  /** Per semi-context: its number of facts (beside `counts`, so a shift reads no array of facts). */
  sizes: Int32Array = new Int32Array(64);
  /** Semi-contexts whose facts are all in `group` (in no particular order), and each one's position there (-1 if absent). */
  readonly full: number[] = [];
  private fullPos: Int32Array = new Int32Array(64).fill(-1);
  /** Semi-context ids by their 64-bit hash: open addressing with linear probing, -1 = empty slot. */
  private byHash: Int32Array = new Int32Array(128).fill(-1);
  private readonly byFact = new Map<number, number[]>();

  get length(): number {
    return this.facts.length;
  }

  /** The slot of the semi-context whose hash is (hi, lo), or the empty slot where it would go. */
  private slotOf(table: Int32Array, hi: number, lo: number): number {
    const mask = table.length - 1;
    let slot = (lo ^ hi) & mask;
    for (;;) {
      const id = table[slot]!;
      if (id < 0 || (this.hashLo[id] === lo && this.hashHi[id] === hi)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * The semi-context keyed by the hash of `tuple` (CAD OSE keys them by hash alone), created if new
   * (see `length`). `inGroup`: the caller knows all of the tuple's facts are in the group.
   */
  findOrAdd(tuple: FactTuple, inGroup = false): number {
    if (tuple.semi >= 0) return tuple.semi;
    let slot = this.slotOf(this.byHash, tuple.hi, tuple.lo);
    const found = this.byHash[slot]!;
    if (found >= 0) return (tuple.semi = found);
    const id = this.facts.length;
    const facts = tuple.facts.slice();
    if (2 * (id + 1) > this.byHash.length) {
      // keep the table at most half full
      const table = new Int32Array(this.byHash.length * 2).fill(-1);
      for (let k = 0; k < id; k++) table[this.slotOf(table, this.hashHi[k]!, this.hashLo[k]!)] = k;
      this.byHash = table;
      slot = this.slotOf(table, tuple.hi, tuple.lo);
    }
    this.byHash[slot] = id;
    this.facts.push(facts);
    this.hashHi.push(tuple.hi);
    this.hashLo.push(tuple.lo);
    for (const fact of facts) {
      const list = this.byFact.get(fact);
      if (list === undefined) this.byFact.set(fact, [id]);
      else list.push(id);
    }
    if (id >= this.counts.length) {
      this.counts = grown(this.counts, 0);
      this.sizes = grown(this.sizes, 0);
      this.fullPos = grown(this.fullPos, -1);
    }
    this.sizes[id] = facts.length;
    this.counts[id] = inGroup ? facts.length : this.crossedFacts(id).length;
    if (this.counts[id] === facts.length) this.addFull(id);
    return (tuple.semi = id);
  }

  /** Makes `next` (sorted, distinct) the fact group, updating the counts of the semi-contexts that hold a changed fact. */
  setGroup(next: number[]): void {
    const previous = this.group;
    let i = 0;
    let j = 0;
    let changed = previous.length !== next.length;
    while (i < previous.length || j < next.length) {
      if (j === next.length || (i < previous.length && previous[i]! < next[j]!)) {
        this.shift(previous[i++]!, -1);
        changed = true;
      } else if (i === previous.length || next[j]! < previous[i]!) {
        this.shift(next[j++]!, 1);
        changed = true;
      } else {
        i++;
        j++;
      }
    }
    this.group = next;
    if (changed) this.groupTupleCache = null;
  }

  /** The group as a tuple (its facts not to be modified). */
  groupTuple(): FactTuple {
    return (this.groupTupleCache ??= factTuple(this.group));
  }

  private shift(fact: number, delta: 1 | -1): void {
    const list = this.byFact.get(fact);
    if (list === undefined) return;
    const counts = this.counts;
    const sizes = this.sizes;
    // Only a count reaching its size, or leaving it, changes `full`.
    if (delta === 1) {
      for (let k = 0; k < list.length; k++) {
        const id = list[k]!;
        if (++counts[id]! === sizes[id]) this.addFull(id);
      }
    } else {
      for (let k = 0; k < list.length; k++) {
        const id = list[k]!;
        if (counts[id]-- === sizes[id]) this.removeFull(id);
      }
    }
  }

  private addFull(id: number): void {
    this.fullPos[id] = this.full.length;
    this.full.push(id);
  }

  private removeFull(id: number): void {
    const pos = this.fullPos[id]!;
    const last = this.full.pop()!;
    if (last !== id) {
      this.full[pos] = last;
      this.fullPos[last] = pos;
    }
    this.fullPos[id] = -1;
  }

  /** Semi-context `id` as a tuple (its facts, not to be modified, and hash): its crossing when it is full. */
  tupleOf(id: number): FactTuple {
    return { facts: this.facts[id]!, hi: this.hashHi[id]!, lo: this.hashLo[id]!, semi: id };
  }

  /** The facts of semi-context `id` that are in the group, in order (both lists are sorted); `count` of them if known. */
  crossedFacts(id: number, count = Infinity): number[] {
    const own = this.facts[id]!;
    const present = this.group;
    const out: number[] = [];
    let j = 0;
    for (let k = 0; k < own.length && out.length < count; k++) {
      const fact = own[k]!;
      while (j < present.length && present[j]! < fact) j++;
      if (j < present.length && present[j] === fact) out.push(fact);
    }
    return out;
  }
}

/**
 * One CAD OSE stream (ContextualAnomalyDetectorOSE with its ContextOperator): `update` takes one
 * value and returns NAB's anomaly score, `snapshot()` the whole state.
 *
 * @example
 * const cad = new CadOseStream({ minValue: 0, maxValue: 100, restPeriod: 150 });
 * const score = cad.update(Date.now(), 42);
 */
export class CadOseStream implements DetectorStream {
  readonly options: Required<CadOseOptions>;
  private readonly minValueStep: number;
  private readonly left = new SemiContexts();
  private readonly right = new SemiContexts();
  /** Per left semi-context: right semi-context id -> context id, in CPython 2.7's dict order. */
  private readonly leftContexts: Python27IntDict[] = [];
  private readonly contextLeft: number[] = [];
  private readonly contextRight: number[] = [];
  private readonly contextCount: number[] = [];
  private readonly contextZeroLevel: number[] = [];
  /** Per context: its left and right parts' hashes (hi, lo, hi, lo), side by side for strongest(). */
  private contextHashes = new Int32Array(256);
  /**
   * Per left semi-context: its zero-level contexts as (right id, context id) pairs in dict order, or
   * null when stale. Only those can become potential new contexts, and they are few: the walk that
   * collects potential contexts visits these lists instead of every context of every crossed left part.
   */
  private readonly zeroLevelEntries: (Int32Array | null)[] = [];
  /** Left semi-contexts holding at least one zero-level context, ascending. */
  private readonly zeroLevelLefts: number[] = [];
  /**
   * Per left semi-context: its contexts, and a bit per right semi-context id below 32 that it has a
   * context with (beyond 32, a flag), so that finding the active contexts of a fully present left
   * part reads its dict only where a right part is fully present too.
   */
  private leftSizes = new Int32Array(64);
  private leftRightMasks = new Int32Array(64);
  private leftHasWideRight = new Int32Array(64);
  /** Context id by (left id, right id below 32) at 32 * left + right, -1 if none: a dict lookup without the dict. */
  private contextByParts = new Int32Array(64 * 32).fill(-1);
  /** The context created for this step's zero-level context; Python's `False` compares equal to 0. */
  private newContextId = 0;
  private steps = 0;
  private lastHighStep: number | null;
  private readonly factsByBin = new Map<number, FactTuple>();
  private readonly topBuffer: Int32Array;
  private readonly topCountBuffer: Float64Array;
  /** This step's active contexts and their counts (reused from step to step). */
  private readonly active: number[] = [];
  private readonly activeCounts: number[] = [];
  private readonly strongestIds: number[] = [];
  /** This step's potential new contexts, left and right parts (reused from step to step). */
  private readonly potentialLeft: FactTuple[] = [];
  private readonly potentialRight: FactTuple[] = [];
  /** countUnique's hash table (pair indexes, -1 = empty), reused from step to step. */
  private uniqueSlots = new Int32Array(64);
  /** Per right semi-context: 1 while it is fully present (set and cleared within a step). */
  private rightFull = new Uint8Array(32);

  constructor(options: CadOseOptions) {
    const o: Required<CadOseOptions> = {
      baseThreshold: 0.75,
      maxLeftSemiContextsLength: 7,
      maxActiveNeurons: 15,
      numNormValueBits: 3,
      ...options,
    };
    for (const key of ["minValue", "maxValue", "restPeriod", "baseThreshold"] as const) {
      if (!Number.isFinite(o[key])) throw new Error(`CadOseStream: option ${key} must be a finite number, got ${o[key]}`);
    }
    if (o.maxValue < o.minValue) throw new Error(`CadOseStream: maxValue (${o.maxValue}) is below minValue (${o.minValue})`);
    if (o.restPeriod < 0) throw new Error(`CadOseStream: restPeriod must be >= 0, got ${o.restPeriod}`);
    for (const key of ["maxLeftSemiContextsLength", "maxActiveNeurons", "numNormValueBits"] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`CadOseStream: option ${key} must be a positive integer, got ${o[key]}`);
    }
    if (o.numNormValueBits > 20) throw new Error(`CadOseStream: numNormValueBits must be at most 20, got ${o.numNormValueBits}`);
    this.options = o;
    this.topBuffer = new Int32Array(o.maxActiveNeurons);
    this.topCountBuffer = new Float64Array(o.maxActiveNeurons);
    const maxBinValue = 2 ** o.numNormValueBits - 1;
    const range = o.maxValue - o.minValue;
    this.minValueStep = (range === 0 ? maxBinValue : range) / maxBinValue;
    // The score history starts with 1.0, so the first restPeriod points score 0.
    this.lastHighStep = 1.0 >= o.baseThreshold ? 0 : null;
  }

  update(timestamp: number, value: number): number {
    checkPoint("CadOseStream", timestamp, value);
    const [selectedActive, addedNew] = this.step(this.sensorFacts(value));
    const score = (1.0 - selectedActive + addedNew) / 2.0;
    this.steps++;
    // Python: max(history[-int(restPeriod):]) < baseThreshold, history = [1.0, s1, s2, ...]
    const rest = Math.trunc(this.options.restPeriod);
    const quiet = this.lastHighStep === null || (rest > 0 && this.lastHighStep < this.steps - rest);
    if (score >= this.options.baseThreshold) this.lastHighStep = this.steps;
    return quiet ? score : 0.0;
  }

  /** The facts of a value: bit k of its bin is fact 2k + bit (CAD OSE's getAnomalyScore). */
  private sensorFacts(value: number): FactTuple {
    const bin = Math.trunc((value - this.options.minValue) / this.minValueStep);
    let facts = this.factsByBin.get(bin);
    if (facts === undefined) {
      // Python: bin(n).lstrip("0b").rjust(bits, "0"), read from the last character; a negative bin
      // (a value below minValue) keeps its "-0b" prefix, whose characters read as 0 bits.
      const text = (bin < 0 ? "-0b" + (-bin).toString(2) : ("0b" + bin.toString(2)).replace(/^[0b]+/, "")).padStart(this.options.numNormValueBits, "0");
      const set = new Set<number>();
      for (let k = 0; k < text.length; k++) set.add(k * 2 + (text[text.length - 1 - k] === "1" ? 1 : 0));
      facts = factTuple([...set].sort((a, b) => a - b));
      if (this.factsByBin.size < 4096) this.factsByBin.set(bin, facts);
    }
    return facts;
  }

  /** One step of the context operator; returns (share of selected contexts active, share of new contexts). */
  private step(sensor: FactTuple): [number, number] {
    const sensorFacts = sensor.facts;
    let newContextFlag = false;
    let zeroLevel: FactTuple | null = null; // left facts; the right ones are the sensor's
    if (this.left.group.length > 0 && sensorFacts.length > 0) {
      zeroLevel = this.left.groupTuple();
      newContextFlag = this.addContext(zeroLevel, sensor, true);
    }
    this.right.setGroup(sensorFacts);
    const selected = this.activeContexts(newContextFlag);
    const potentialLeft = this.potentialLeft;
    const potentialRight = this.potentialRight;
    const active = this.active;
    const selectedActive = selected > 0 ? active.length / selected : 0.0;

    const neurons = this.strongest(active, this.activeCounts);
    // Sensor facts are below NEURON_FACT_BASE and the neurons come sorted: the group is sorted.
    const group = sensorFacts.slice();
    for (const id of neurons) group.push(NEURON_FACT_BASE + id);
    const uniquePotential = newContextFlag ? this.countUnique(zeroLevel === null ? null : [zeroLevel, sensor]) : 0;

    let added = 0;
    for (let k = 0; k < potentialLeft.length; k++) if (this.addContext(potentialLeft[k]!, potentialRight[k]!, false)) added++;
    this.left.setGroup(group);

    if (newContextFlag) added++;
    const addedNew = newContextFlag && uniquePotential > 0 ? added / uniquePotential : 0.0;
    return [selectedActive, addedNew];
  }

  /**
   * getContextByFacts for one context: finds or creates its semi-contexts and the context. A
   * zero-level context returns whether it was new (and marks an old one zero-level); another
   * returns whether it was added.
   */
  private addContext(leftFacts: FactTuple, rightFacts: FactTuple, zeroLevel: boolean): boolean {
    // The left part is (a crossing with) the left group, so all its facts are present; a potential
    // right part is a crossing with the right group, but a zero-level one (the new sensor facts)
    // comes before the right group is set to them.
    const leftId = this.left.findOrAdd(leftFacts, true);
    if (leftId === this.leftContexts.length) this.addLeftSemiContext();
    const rightId = this.right.findOrAdd(rightFacts, !zeroLevel);
    const next = this.contextLeft.length;
    const known = rightId < 32 ? this.contextByParts[32 * leftId + rightId]! : -1;
    const id = known >= 0 ? known : this.leftContexts[leftId]!.setDefault(rightId, next);
    if (id === next) {
      this.pushContext(leftId, rightId, 0, zeroLevel ? 1 : 0);
      if (zeroLevel) this.newContextId = id;
      return true;
    }
    if (zeroLevel && this.contextZeroLevel[id] === 0) {
      this.contextZeroLevel[id] = 1;
      this.noteZeroLevel(leftId);
    }
    return false;
  }

  private addLeftSemiContext(): void {
    this.leftContexts.push(new Python27IntDict());
    this.zeroLevelEntries.push(EMPTY_ENTRIES);
    if (this.leftContexts.length > this.leftSizes.length) {
      this.leftSizes = grown(this.leftSizes, 0);
      this.leftRightMasks = grown(this.leftRightMasks, 0);
      this.leftHasWideRight = grown(this.leftHasWideRight, 0);
      this.contextByParts = grown(this.contextByParts, -1);
    }
  }

  /** Appends a context already inserted in its left part's dict (an insertion may reorder that dict). */
  private pushContext(leftId: number, rightId: number, count: number, zeroLevel: number): void {
    this.contextLeft.push(leftId);
    this.contextRight.push(rightId);
    this.contextCount.push(count);
    this.contextZeroLevel.push(zeroLevel);
    const id = this.contextLeft.length - 1;
    if (4 * id + 4 > this.contextHashes.length) this.contextHashes = grown(this.contextHashes, 0);
    this.contextHashes[4 * id] = this.left.hashHi[leftId]!;
    this.contextHashes[4 * id + 1] = this.left.hashLo[leftId]!;
    this.contextHashes[4 * id + 2] = this.right.hashHi[rightId]!;
    this.contextHashes[4 * id + 3] = this.right.hashLo[rightId]!;
    this.leftSizes[leftId]++;
    if (rightId < 32) {
      this.leftRightMasks[leftId] |= 1 << rightId;
      this.contextByParts[32 * leftId + rightId] = this.contextLeft.length - 1;
    }
    else this.leftHasWideRight[leftId] = 1;
    if (zeroLevel === 1) this.noteZeroLevel(leftId);
    else if (this.zeroLevelEntries[leftId] !== EMPTY_ENTRIES) this.zeroLevelEntries[leftId] = null;
  }

  /** Left part `leftId` has a new zero-level context: its list is stale, and it joins zeroLevelLefts. */
  private noteZeroLevel(leftId: number): void {
    const entries = this.zeroLevelEntries[leftId];
    this.zeroLevelEntries[leftId] = null;
    if (entries === EMPTY_ENTRIES) {
      const lefts = this.zeroLevelLefts;
      let pos = lefts.length;
      while (pos > 0 && lefts[pos - 1]! > leftId) pos--;
      lefts.splice(pos, 0, leftId);
    }
  }

  /** The zero-level contexts of left part `leftId`: right id, context id, ... in dict order. */
  private zeroLevelOf(leftId: number): Int32Array {
    const cached = this.zeroLevelEntries[leftId];
    if (cached != null) return cached;
    const dict = this.leftContexts[leftId]!;
    const rightIds = dict.keys();
    const contextIds = dict.values();
    let n = 0;
    for (let k = 0; k < contextIds.length; k++) n += this.contextZeroLevel[contextIds[k]!]!;
    const entries = new Int32Array(2 * n);
    n = 0;
    for (let k = 0; k < contextIds.length; k++) {
      if (this.contextZeroLevel[contextIds[k]!] === 0) continue;
      entries[n++] = rightIds[k]!;
      entries[n++] = contextIds[k]!;
    }
    this.zeroLevelEntries[leftId] = entries;
    return entries;
  }

  /**
   * updateContextsAndGetActive: over the contexts whose left part was fully present at the last
   * step, those whose right part is fully present now are active (their count grows); partial
   * matches of zero-level contexts become potential new contexts when this step learnt one.
   */
  private activeContexts(newContextFlag: boolean): number {
    const active = this.active;
    const activeCounts = this.activeCounts;
    active.length = 0;
    activeCounts.length = 0;
    const potentialLeft = this.potentialLeft;
    const potentialRight = this.potentialRight;
    potentialLeft.length = 0;
    potentialRight.length = 0;
    let selected = 0;
    const left = this.left;
    const right = this.right;
    if (this.rightFull.length < right.length) this.rightFull = new Uint8Array(2 * right.length);
    const rightFull = this.rightFull;
    let rightFullMask = 0;
    for (const id of right.full) {
      rightFull[id] = 1;
      if (id < 32) rightFullMask |= 1 << id;
    }
    const counts = this.contextCount;
    // Selected and active contexts: those of the fully present left parts, in any order, except
    // this step's new context (or context 0 at other steps: CAD OSE's newContextID is then False).
    const skip = this.newContextId;
    const skipLeft = skip < this.contextLeft.length ? this.contextLeft[skip]! : -1;
    for (const leftId of left.full) {
      selected += this.leftSizes[leftId]! - (leftId === skipLeft ? 1 : 0);
      let mask = this.leftRightMasks[leftId]! & rightFullMask;
      const wide = this.leftHasWideRight[leftId] === 1;
      if (mask === 0 && !wide) continue;
      const byRight = 32 * leftId;
      while (mask !== 0) {
        const low = mask & -mask;
        mask ^= low;
        const contextId = this.contextByParts[byRight + 31 - Math.clz32(low)]!;
        if (contextId === skip) continue;
        active.push(contextId);
        activeCounts.push(++counts[contextId]!);
      }
      if (wide) {
        const dict = this.leftContexts[leftId]!;
        const rightIds = dict.keys();
        const contextIds = dict.values();
        for (let k = 0; k < rightIds.length; k++) {
          const contextId = contextIds[k]!;
          if (rightIds[k]! < 32 || contextId === skip || rightFull[rightIds[k]!] === 0) continue;
          active.push(contextId);
          activeCounts.push(++counts[contextId]!);
        }
      }
    }
    if (newContextFlag) {
      // Potential contexts are numbered in the order found: walk the left parts in id order, each
      // dict in CPython 2.7's order, keeping the zero-level contexts (crossed on both sides, not
      // active) whose left part has at most maxLeftSemiContextsLength facts present. (A left part
      // created at this step holds only this step's new context, which is skipped, as CAD OSE,
      // which has not crossed it yet, skips the part.)
      const maxLeft = this.options.maxLeftSemiContextsLength;
      const rightCrossed = new Map<number, FactTuple>();
      for (const leftId of this.zeroLevelLefts) {
        const leftCount = left.counts[leftId]!;
        if (leftCount === 0 || leftCount > maxLeft) continue;
        const leftFull = leftCount === left.sizes[leftId];
        const entries = this.zeroLevelOf(leftId);
        let leftCrossed: FactTuple | undefined;
        for (let k = 0; k < entries.length; k += 2) {
          const rightId = entries[k]!;
          if (entries[k + 1] === this.newContextId || right.counts[rightId] === 0) continue;
          if (leftFull && rightFull[rightId] === 1) continue; // active
          leftCrossed ??= leftFull ? left.tupleOf(leftId) : factTuple(left.crossedFacts(leftId, leftCount));
          let r = rightCrossed.get(rightId);
          if (r === undefined) {
            r = rightFull[rightId] === 1 ? right.tupleOf(rightId) : factTuple(right.crossedFacts(rightId, right.counts[rightId]));
            rightCrossed.set(rightId, r);
          }
          potentialLeft.push(leftCrossed);
          potentialRight.push(r);
        }
      }
    }
    for (const id of right.full) rightFull[id] = 0;
    this.newContextId = 0;
    return selected;
  }

  /**
   * The `maxActiveNeurons` active contexts with the highest (count, left hash, right hash), by id.
   * `counts[k]` is active[k]'s count (read while counting, so most comparisons touch no context).
   */
  private strongest(active: readonly number[], counts: readonly number[]): number[] {
    const k = this.options.maxActiveNeurons;
    const top = this.topBuffer; // ascending by key
    const topCounts = this.topCountBuffer;
    let size = 0;
    for (let a = 0; a < active.length; a++) {
      const id = active[a]!;
      const count = counts[a]!;
      if (size === k && this.compareContexts(id, count, top[0]!, topCounts[0]!) < 0) continue;
      let pos = size;
      if (size === k) {
        // drop the smallest, then insert
        pos = 0;
        while (pos + 1 < k && this.compareContexts(id, count, top[pos + 1]!, topCounts[pos + 1]!) > 0) {
          top[pos] = top[pos + 1]!;
          topCounts[pos] = topCounts[pos + 1]!;
          pos++;
        }
      } else {
        while (pos > 0 && this.compareContexts(id, count, top[pos - 1]!, topCounts[pos - 1]!) < 0) {
          top[pos] = top[pos - 1]!;
          topCounts[pos] = topCounts[pos - 1]!;
          pos--;
        }
        size++;
      }
      top[pos] = id;
      topCounts[pos] = count;
    }
    const ids = this.strongestIds;
    ids.length = 0;
    for (let a = 0; a < size; a++) {
      // insertion sort by id (at most maxActiveNeurons)
      const id = top[a]!;
      let pos = a;
      while (pos > 0 && ids[pos - 1]! > id) {
        ids[pos] = ids[pos - 1]!;
        pos--;
      }
      ids[pos] = id;
    }
    return ids;
  }

  private compareContexts(a: number, countA: number, b: number, countB: number): number {
    if (countA !== countB) return countA - countB;
    const keys = this.contextHashes;
    const byLeft = compareInt64(keys[4 * a]!, keys[4 * a + 1]! >>> 0, keys[4 * b]!, keys[4 * b + 1]! >>> 0);
    if (byLeft !== 0) return byLeft;
    return compareInt64(keys[4 * a + 2]!, keys[4 * a + 3]! >>> 0, keys[4 * b + 2]!, keys[4 * b + 3]! >>> 0);
  }

  /**
   * Distinct (left facts, right facts) pairs among this step's zero-level context and the potential
   * ones (pair i is the zero-level one when there is one, else potential i - offset): open
   * addressing over the pairs' hashes, equal facts compared on equal hashes.
   */
  private countUnique(zeroLevel: [FactTuple, FactTuple] | null): number {
    const potentialLeft = this.potentialLeft;
    const potentialRight = this.potentialRight;
    const offset = zeroLevel === null ? 0 : 1;
    const total = potentialLeft.length + offset;
    let capacity = 16;
    while (capacity < 2 * total) capacity *= 2;
    if (this.uniqueSlots.length < capacity) this.uniqueSlots = new Int32Array(capacity);
    const slots = this.uniqueSlots;
    slots.fill(-1, 0, capacity);
    const mask = capacity - 1;
    let unique = 0;
    for (let i = 0; i < total; i++) {
      const l = i < offset ? zeroLevel![0] : potentialLeft[i - offset]!;
      const r = i < offset ? zeroLevel![1] : potentialRight[i - offset]!;
      let slot = (l.lo ^ Math.imul(l.hi, 0x85ebca6b) ^ Math.imul(r.lo, 0x9e3779b1) ^ r.hi) & mask;
      for (;;) {
        const j = slots[slot]!;
        if (j < 0) {
          slots[slot] = i;
          unique++;
          break;
        }
        const ol = j < offset ? zeroLevel![0] : potentialLeft[j - offset]!;
        const or = j < offset ? zeroLevel![1] : potentialRight[j - offset]!;
        if (sameTuple(ol, l) && sameTuple(or, r)) break;
        slot = (slot + 1) & mask;
      }
    }
    return unique;
  }

  snapshot(): CadOseSnapshot {
    return {
      kind: SNAPSHOT_KIND,
      version: SNAPSHOT_VERSION,
      options: { ...this.options },
      steps: this.steps,
      lastHighStep: this.lastHighStep,
      leftFactsGroup: this.left.group.slice(),
      leftSemiContexts: this.left.facts.map((f) => f.slice()),
      rightSemiContexts: this.right.facts.map((f) => f.slice()),
      contexts: { left: this.contextLeft.slice(), right: this.contextRight.slice(), count: this.contextCount.slice(), zeroLevel: this.contextZeroLevel.slice() },
    };
  }

  /**
   * A stream continuing from a snapshot (e.g. after JSON.stringify / JSON.parse in another process):
   * the memory is rebuilt in its original order, so the next scores are identical.
   */
  static restore(snapshot: StreamSnapshot): CadOseStream {
    checkSnapshot(snapshot, SNAPSHOT_KIND, SNAPSHOT_VERSION);
    const s = snapshot as CadOseSnapshot;
    const stream = new CadOseStream(s.options);
    const bad = (what: string): never => {
      throw new Error(`CadOseStream.restore: ${what}`);
    };
    if (!Number.isInteger(s.steps) || s.steps < 0) bad(`steps must be a non-negative integer, got ${s.steps}`);
    stream.steps = s.steps;
    stream.lastHighStep = s.lastHighStep;
    for (const side of ["leftSemiContexts", "rightSemiContexts"] as const) {
      if (!Array.isArray(s[side])) bad(`${side} must be an array`);
      const target = side === "leftSemiContexts" ? stream.left : stream.right;
      s[side].forEach((facts, k) => {
        if (!Array.isArray(facts) || facts.some((f) => !Number.isInteger(f) || f < 0)) bad(`${side}[${k}] must be a list of non-negative integers`);
        if (target.findOrAdd(factTuple(facts)) !== k) bad(`${side}[${k}] repeats an earlier semi-context`);
        if (side === "leftSemiContexts") stream.addLeftSemiContext();
      });
    }
    const c = s.contexts;
    const n = c?.left?.length ?? bad("contexts.left is missing");
    if (c.right?.length !== n || c.count?.length !== n || c.zeroLevel?.length !== n) bad("contexts.left, right, count and zeroLevel must have the same length");
    for (let id = 0; id < n; id++) {
      const l = c.left[id]!;
      const r = c.right[id]!;
      if (!(l >= 0 && l < stream.left.length && r >= 0 && r < stream.right.length)) bad(`context ${id} refers to a missing semi-context (${l}, ${r})`);
      if (stream.leftContexts[l]!.setDefault(r, id) !== id) bad(`context ${id} repeats an earlier context`);
      stream.pushContext(l, r, c.count[id]!, c.zeroLevel[id] ? 1 : 0);
    }
    const group = s.leftFactsGroup;
    if (!Array.isArray(group) || group.some((f, k) => !Number.isInteger(f) || f < 0 || (k > 0 && f <= group[k - 1]!))) {
      bad("leftFactsGroup must be an increasing list of non-negative integers");
    }
    stream.left.setGroup(group.slice());
    return stream;
  }
}

/** Options of {@link ContextOseDetector}: CAD OSE's parameters other than those NAB derives from the file. */
export type ContextOseDetectorOptions = Omit<CadOseOptions, "minValue" | "maxValue" | "restPeriod">;

/**
 * CAD OSE as NAB runs it (contextOSE): values binned over the file's [min, max], rest period =
 * NAB's probationary period / 5 (150 points for files of 5,000 points or more).
 *
 * @example
 * const scores = streamScores(new ContextOseDetector(), taxi.values, taxi.timestamps);
 */
export class ContextOseDetector implements StreamingDetector {
  readonly name = "CAD OSE";
  constructor(readonly options: ContextOseDetectorOptions = {}) {}

  open(summary: SeriesSummary): CadOseStream {
    return new CadOseStream({ ...this.options, minValue: summary.min, maxValue: summary.max, restPeriod: nabProbationLength(summary.length) / 5.0 });
  }

  restore(snapshot: StreamSnapshot): CadOseStream {
    return CadOseStream.restore(snapshot);
  }
}
