// CAD OSE: Smirnov's Contextual Anomaly Detector, open-source edition (2016), as NAB runs it
// (nab/detectors/context_ose: contextOSE, 69.9 on NAB's standard profile). Reimplemented from the
// algorithm's description in NAB's Python source, to give the published output bit for bit:
// every value becomes a few "facts" (bits of its 3-bit bin); the detector remembers contexts —
// (left set of facts, right set of facts) pairs seen in consecutive steps — and its anomaly score
// is how few of the contexts it expected came true, plus how many new contexts it had to learn.
// The published run was made with CPython 2.7, whose tuple hash and dict order the algorithm
// depends on (see python27.ts).
import { nabProbationLength } from "./nab-scorer";
import { compareInt64, Python27IntDict, python27TupleHash } from "./python27";
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

/** One side (left or right) of the context memory: the semi-contexts and which facts they hold. */
class SemiContexts {
  readonly facts: number[][] = [];
  readonly hashHi: number[] = [];
  readonly hashLo: number[] = [];
  /** Crossing result: how many of a semi-context's facts are in the current fact list. */
  counts: Int32Array = new Int32Array(64);
  private readonly byHash = new Map<string, number>();
  private readonly byFact = new Map<number, number[]>();

  get length(): number {
    return this.facts.length;
  }

  /** The semi-context keyed by the hash of `facts` (as CAD OSE keys them), created if new; [id, created]. */
  findOrAdd(facts: readonly number[]): [number, boolean] {
    const hash = python27TupleHash(facts);
    const key = `${hash.hi}:${hash.lo}`;
    const found = this.byHash.get(key);
    if (found !== undefined) return [found, false];
    const id = this.facts.length;
    this.byHash.set(key, id);
    this.facts.push(facts.slice());
    this.hashHi.push(hash.hi);
    this.hashLo.push(hash.lo);
    for (const fact of facts) {
      const list = this.byFact.get(fact);
      if (list === undefined) this.byFact.set(fact, [id]);
      else list.push(id);
    }
    if (id >= this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    return [id, true];
  }

  /** Counts, for every semi-context, its facts present in `facts`. */
  cross(facts: readonly number[]): void {
    this.counts.fill(0, 0, this.facts.length);
    for (const fact of facts) {
      const list = this.byFact.get(fact);
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) this.counts[list[k]!]!++;
    }
  }

  /** The facts of semi-context `id` that are in the sorted list `present`, in order (both are sorted). */
  crossedFacts(id: number, present: readonly number[]): number[] {
    const own = this.facts[id]!;
    const out: number[] = [];
    let j = 0;
    for (const fact of own) {
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
  /** Left semi-contexts with at least one fact in the current left fact group, in id order. */
  private leftCrossed: number[] = [];
  private leftFactsGroup: number[] = [];
  /** The context created for this step's zero-level context; Python's `False` compares equal to 0. */
  private newContextId = 0;
  private steps = 0;
  private lastHighStep: number | null;
  private readonly factsByBin = new Map<number, number[]>();

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
  private sensorFacts(value: number): number[] {
    const bin = Math.trunc((value - this.options.minValue) / this.minValueStep);
    let facts = this.factsByBin.get(bin);
    if (facts === undefined) {
      // Python: bin(n).lstrip("0b").rjust(bits, "0"), read from the last character; a negative bin
      // (a value below minValue) keeps its "-0b" prefix, whose characters read as 0 bits.
      const text = (bin < 0 ? "-0b" + (-bin).toString(2) : ("0b" + bin.toString(2)).replace(/^[0b]+/, "")).padStart(this.options.numNormValueBits, "0");
      const set = new Set<number>();
      for (let k = 0; k < text.length; k++) set.add(k * 2 + (text[text.length - 1 - k] === "1" ? 1 : 0));
      facts = [...set].sort((a, b) => a - b);
      if (this.factsByBin.size < 4096) this.factsByBin.set(bin, facts);
    }
    return facts;
  }

  /** One step of the context operator; returns (share of selected contexts active, share of new contexts). */
  private step(sensorFacts: number[]): [number, number] {
    let newContextFlag = false;
    let zeroLevel: [number[], number[]] | null = null;
    if (this.leftFactsGroup.length > 0 && sensorFacts.length > 0) {
      zeroLevel = [this.leftFactsGroup, sensorFacts];
      newContextFlag = this.addContext(zeroLevel[0], zeroLevel[1], true);
    }
    this.right.cross(sensorFacts);
    const { active, selected, potential } = this.activeContexts(newContextFlag, sensorFacts);
    const selectedActive = selected > 0 ? active.length / selected : 0.0;

    const neurons = this.strongest(active);
    const group = sensorFacts.concat(neurons.map((id) => NEURON_FACT_BASE + id));
    group.sort((a, b) => a - b);
    const uniquePotential = newContextFlag ? this.countUnique(zeroLevel, potential) : 0;

    this.leftFactsGroup = group;
    let added = 0;
    for (const [l, r] of potential) if (this.addContext(l, r, false)) added++;
    this.left.cross(group);
    this.leftCrossed = [];
    const counts = this.left.counts;
    for (let id = 0; id < this.left.length; id++) if (counts[id]! > 0) this.leftCrossed.push(id);

    if (newContextFlag) added++;
    const addedNew = newContextFlag && uniquePotential > 0 ? added / uniquePotential : 0.0;
    return [selectedActive, addedNew];
  }

  /**
   * getContextByFacts for one context: finds or creates its semi-contexts and the context. A
   * zero-level context returns whether it was new (and marks an old one zero-level); another
   * returns whether it was added.
   */
  private addContext(leftFacts: readonly number[], rightFacts: readonly number[], zeroLevel: boolean): boolean {
    const [leftId, leftCreated] = this.left.findOrAdd(leftFacts);
    if (leftCreated) this.leftContexts.push(new Python27IntDict());
    const [rightId] = this.right.findOrAdd(rightFacts);
    const next = this.contextLeft.length;
    const id = this.leftContexts[leftId]!.setDefault(rightId, next);
    if (id === next) {
      this.contextLeft.push(leftId);
      this.contextRight.push(rightId);
      this.contextCount.push(0);
      this.contextZeroLevel.push(zeroLevel ? 1 : 0);
      if (zeroLevel) this.newContextId = id;
      return true;
    }
    if (zeroLevel) this.contextZeroLevel[id] = 1;
    return false;
  }

  /**
   * updateContextsAndGetActive: over the contexts whose left part was fully present at the last
   * step, those whose right part is fully present now are active (their count grows); partial
   * matches of zero-level contexts become potential new contexts when this step learnt one.
   */
  private activeContexts(newContextFlag: boolean, sensorFacts: number[]): { active: number[]; selected: number; potential: [number[], number[]][] } {
    const active: number[] = [];
    const potential: [number[], number[]][] = [];
    let selected = 0;
    const maxLeft = this.options.maxLeftSemiContextsLength;
    const leftCounts = this.left.counts;
    const rightCounts = this.right.counts;
    const leftFacts = this.left.facts;
    const rightFacts = this.right.facts;
    for (const leftId of this.leftCrossed) {
      const leftCount = leftCounts[leftId]!;
      const leftFull = leftCount === leftFacts[leftId]!.length;
      const dict = this.leftContexts[leftId]!;
      const rightIds = dict.keys();
      const contextIds = dict.values();
      for (let k = 0; k < rightIds.length; k++) {
        const contextId = contextIds[k]!;
        if (contextId === this.newContextId) continue;
        const rightId = rightIds[k]!;
        const rightCount = rightCounts[rightId]!;
        let learn = false;
        if (leftFull) {
          selected++;
          if (rightCount > 0) {
            if (rightCount === rightFacts[rightId]!.length) {
              this.contextCount[contextId]!++;
              active.push(contextId);
            } else {
              learn = this.contextZeroLevel[contextId] === 1 && newContextFlag && leftCount <= maxLeft;
            }
          }
        } else {
          learn = this.contextZeroLevel[contextId] === 1 && newContextFlag && rightCount > 0 && leftCount <= maxLeft;
        }
        if (learn) potential.push([this.left.crossedFacts(leftId, this.leftFactsGroup), this.right.crossedFacts(rightId, sensorFacts)]);
      }
    }
    this.newContextId = 0;
    return { active, selected, potential };
  }

  /** The `maxActiveNeurons` active contexts with the highest (count, left hash, right hash), by id. */
  private strongest(active: number[]): number[] {
    const k = this.options.maxActiveNeurons;
    const top: number[] = []; // ascending by key
    for (const id of active) {
      if (top.length === k && this.compareContexts(id, top[0]!) < 0) continue;
      let pos = top.length;
      while (pos > 0 && this.compareContexts(id, top[pos - 1]!) < 0) pos--;
      top.splice(pos, 0, id);
      if (top.length > k) top.shift();
    }
    return top.sort((a, b) => a - b);
  }

  private compareContexts(a: number, b: number): number {
    const byCount = this.contextCount[a]! - this.contextCount[b]!;
    if (byCount !== 0) return byCount;
    const la = this.contextLeft[a]!;
    const lb = this.contextLeft[b]!;
    const byLeft = compareInt64(this.left.hashHi[la]!, this.left.hashLo[la]!, this.left.hashHi[lb]!, this.left.hashLo[lb]!);
    if (byLeft !== 0) return byLeft;
    const ra = this.contextRight[a]!;
    const rb = this.contextRight[b]!;
    return compareInt64(this.right.hashHi[ra]!, this.right.hashLo[ra]!, this.right.hashHi[rb]!, this.right.hashLo[rb]!);
  }

  /** Distinct (left facts, right facts) pairs among this step's zero-level context and the potential ones. */
  private countUnique(zeroLevel: [number[], number[]] | null, potential: [number[], number[]][]): number {
    const seen = new Set<string>();
    if (zeroLevel !== null) seen.add(`${zeroLevel[0].join(",")}|${zeroLevel[1].join(",")}`);
    for (const [l, r] of potential) seen.add(`${l.join(",")}|${r.join(",")}`);
    return seen.size;
  }

  snapshot(): CadOseSnapshot {
    return {
      kind: SNAPSHOT_KIND,
      version: SNAPSHOT_VERSION,
      options: { ...this.options },
      steps: this.steps,
      lastHighStep: this.lastHighStep,
      leftFactsGroup: this.leftFactsGroup.slice(),
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
        const [id, created] = target.findOrAdd(facts);
        if (!created || id !== k) bad(`${side}[${k}] repeats an earlier semi-context`);
        if (side === "leftSemiContexts") stream.leftContexts.push(new Python27IntDict());
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
      stream.contextLeft.push(l);
      stream.contextRight.push(r);
      stream.contextCount.push(c.count[id]!);
      stream.contextZeroLevel.push(c.zeroLevel[id] ? 1 : 0);
    }
    if (!Array.isArray(s.leftFactsGroup)) bad("leftFactsGroup must be an array");
    stream.leftFactsGroup = s.leftFactsGroup.slice();
    stream.left.cross(stream.leftFactsGroup);
    for (let id = 0; id < stream.left.length; id++) if (stream.left.counts[id]! > 0) stream.leftCrossed.push(id);
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
