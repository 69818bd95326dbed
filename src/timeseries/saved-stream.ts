/**
 * What every time-series detector class of the detector family (the baselines, S-H-ESD, the debouncer) shares
 * beyond scoring: its streams, scikit-learn's estimator protocol (`getParams`, `clone`) and save / load.
 *
 * A stream (`detector.open()`) owns its state ({@link SeriesState}); batch calls build a fresh state of their own,
 * so they never touch a live stream. A stream's snapshot and a detector file hold the same two things: the
 * detector's options (`params`) and one stream's `state`, in the same layout. `save(file)` writes the detector's
 * options with the state of the stream its deprecated `update()` feeds (empty if it was never called), so a file
 * saved before streams existed loads and continues; a live stream is saved by its own `snapshot()`.
 */
import { warnDeprecated } from "../core/deprecation";
import { readDetectorFile, writeDetectorFile, type ReadContent, type SavedContent } from "../persistence/detector-file";
import { cloneParams, decodeParams, encodeParams, withOverrides, type DetectorParams } from "../persistence/params";
import { StateReader } from "../persistence/state-codec";
import { epochMs } from "./series";
import { checkSnapshot, type DetectorStream, type SeriesSummary, type StreamSnapshot } from "./stream";

/** One stream's memory: what a detector remembers between two points. */
export interface SeriesState {
  /** Scores the next point (its timestamp in epoch ms, or its row index where the detector ignores time). */
  step(value: number, timestamp: number): number;
  /** The memory as JSON values: the `state` of a stream snapshot and of a detector file. */
  save(context: string): Record<string, unknown>;
}

/** The layout of a detector-family snapshot ({ kind: class, version, params, state }). */
const SNAPSHOT_VERSION = 1;

/**
 * A stream of a detector-family time-series detector: its points go to its own {@link SeriesState}; its snapshot
 * is `{ kind: <class>, version: 1, params, state }`, the detector file's content (`kind` in place of `class`).
 */
export class SeriesStream implements DetectorStream {
  constructor(
    private readonly detector: SavedStreamDetector,
    /** @internal */
    readonly state: SeriesState,
  ) {}

  update(timestamp: number, value: number): number {
    this.detector.checkPoint(timestamp, value);
    return this.state.step(value, timestamp);
  }

  snapshot(): StreamSnapshot {
    const context = `${this.detector.constructor.name} stream snapshot`;
    const { class: kind, params, state } = this.detector.contentWith(this.state, context);
    return { kind, version: SNAPSHOT_VERSION, params, state };
  }
}

/**
 * A time-series detector class as the base sees it: built from its options, or by its own `fromParams` where its
 * constructor does not take one options object (which also gets the saved state when loading: a wrapped detector).
 */
type StreamClass<T> = (new (...args: never[]) => T) & { fromParams?: (params: DetectorParams, state?: StateReader) => T };

export abstract class SavedStreamDetector {
  abstract readonly name: string;
  /** Whether the detector needs timestamps (contextual detectors do): a stream refuses a point without one. */
  readonly needsTimestamps: boolean = false;
  /** The stream the deprecated detector-level `update` feeds (created at its first call). */
  private legacyStream: SeriesStream | undefined;

  /**
   * The constructor options, every one of them, defaults filled in (scikit-learn's `get_params`).
   * @example new RollingZScoreDetector().getParams(); // { windowSize: 288, robust: false, minPoints: 30, zThreshold: 3,
   * //   threshold: { fixed: 0.5 } }
   */
  abstract getParams(): DetectorParams;

  /** An empty stream's memory (what a subclass implements: its streams, batch calls and files follow). */
  abstract newState(): SeriesState;

  /** The memory {@link SeriesState.save} wrote, every field read through `state` (which checks it). */
  abstract readState(state: StateReader): SeriesState;

  /**
   * A new stream: `update(timestamp, value)` scores each arriving point, `snapshot()` is its state as JSON. The
   * summary (what NAB tells a detector about a file) is accepted for the contract's sake and not needed here.
   * @example
   * const stream = new RollingZScoreDetector({ windowSize: 96 }).open();
   * for (const [t, v] of live) if (stream.update(t, v) > 0.5) alarm(t);
   */
  open(_summary?: SeriesSummary): SeriesStream {
    return new SeriesStream(this, this.newState());
  }

  /**
   * The stream a snapshot was taken from, continuing where it stopped, with the options saved in the snapshot
   * (`restoreStream(snapshot)` does the same without a detector at hand). A snapshot of another class is refused.
   * @example const resumed = new RollingZScoreDetector().restore(JSON.parse(fs.readFileSync("cpu.json", "utf8")));
   */
  restore(snapshot: StreamSnapshot): SeriesStream {
    return SavedStreamDetector.streamFromSnapshot(this.constructor as StreamClass<this>, snapshot);
  }

  /**
   * Deprecated: scores a new point of the detector's one internal stream; use `detector.open()` and the stream's
   * `update(timestamp, value)`. Warns once.
   */
  update(value: number, timestamp?: number | Date): number {
    const who = this.constructor.name;
    const replacement = "const stream = detector.open(); stream.update(timestamp, value)";
    warnDeprecated(`${who}.update`, `${who}.update(value, timestamp)`, replacement);
    if (!Number.isFinite(value)) throw new Error(`${this.name}: update got ${value}; fill or drop missing values first`);
    const t = timestamp === undefined ? undefined : epochMs(timestamp);
    if (this.needsTimestamps && (t === undefined || !Number.isFinite(t))) {
      throw new Error(`${this.name}: update needs a timestamp (epoch ms or a Date)`);
    }
    this.legacyStream ??= this.open();
    return this.legacyStream.update(t ?? 0, value);
  }

  /** Deprecated: forgets the internal stream of `update`; open a new stream instead. Warns once. */
  reset(): void {
    const who = this.constructor.name;
    warnDeprecated(`${who}.reset`, `${who}.reset()`, "a new stream, detector.open()");
    this.legacyStream = undefined;
    this.forgetBatchWarnings();
  }

  /** What `reset()` also forgets beyond the internal stream (S-H-ESD: that its batch calls printed their warning). */
  protected forgetBatchWarnings(): void {}

  /**
   * Throws unless (timestamp, value) is a point this detector can score, naming it.
   * @internal
   */
  checkPoint(timestamp: number, value: number): void {
    const point = `update got value ${value} at timestamp ${timestamp}`;
    if (!Number.isFinite(value)) throw new Error(`${this.name}: ${point}; fill or drop missing values first`);
    if (typeof timestamp !== "number" || Number.isNaN(timestamp)) {
      throw new Error(`${this.name}: update got timestamp ${timestamp}; pass epoch ms (or the row index)`);
    }
    if (this.needsTimestamps && !Number.isFinite(timestamp)) {
      throw new Error(`${this.name}: update needs a timestamp in epoch ms, got ${timestamp}`);
    }
  }

  /**
   * A new detector with the same options and an empty stream (scikit-learn's `clone`), some options replaced by
   * `overrides` (an unknown option is refused).
   * @example const debounced = new RollingZScoreDetector({ windowSize: 96 }).clone({ robust: true });
   */
  clone(overrides: DetectorParams = {}): this {
    const Class = this.constructor as StreamClass<this>;
    const params = withOverrides(this.getParams(), overrides, `${Class.name}.clone`);
    return SavedStreamDetector.build(Class, cloneParams(params));
  }

  /**
   * Saves the options and the state of the stream the deprecated `update` feeds to one JSON file (atomically; an
   * existing path is replaced only when it is an anomaly-lab detector file). `<Class>.load(file)` or
   * `loadDetector(file)` gives the detector back. To save a live stream, keep its `snapshot()` instead.
   * @example
   * detector.save("models/cpu-zscore.json");
   * const same = RollingZScoreDetector.load("models/cpu-zscore.json");
   */
  save(file: string): void {
    const context = `${this.constructor.name}.save`;
    writeDetectorFile(file, this.savedContent(context), context);
  }

  /**
   * What `save` writes, as an object.
   * @internal
   */
  savedContent(context: string): SavedContent {
    return this.contentWith(this.legacyStream?.state ?? this.newState(), context);
  }

  /**
   * The options and one stream's state, as a detector file holds them (also a snapshot's content, and how the
   * debouncer saves the detector it wraps).
   * @internal
   */
  contentWith(state: SeriesState, context: string): SavedContent {
    return { class: this.constructor.name, params: this.savedParams(context), state: state.save(context) };
  }

  /** The options as JSON (a wrapper saves the detector it wraps in its state instead). */
  protected savedParams(context: string): Record<string, unknown> {
    return encodeParams(this.getParams(), context);
  }

  /**
   * The detector saved in `file`, the stream of its deprecated `update` where it was. Refused, naming the file and
   * the field: a file of another class, of a newer format version, or with a field missing or out of its range.
   */
  static load<T extends SavedStreamDetector>(this: new (...args: never[]) => T, file: string): T {
    return SavedStreamDetector.fromSaved(this, readDetectorFile(file, this.name, `${this.name}.load`));
  }

  /**
   * A detector of `Class` from a checked file's content (what `loadDetector` calls).
   * @internal
   */
  static fromSaved<T extends SavedStreamDetector>(Class: new (...args: never[]) => T, content: ReadContent): T {
    const state = StateReader.of(content.state, content.where, "state");
    const detector = SavedStreamDetector.fromJson(Class as StreamClass<T>, content.where, content.params, "params", state);
    detector.legacyStream = new SeriesStream(detector, detector.readState(state));
    return detector;
  }

  /**
   * The detector (its options) saved inside another's state by {@link contentWith}: `{ class, params, state }`;
   * the wrapper reads the state itself.
   * @internal
   */
  static fromNested<T extends SavedStreamDetector>(Class: new (...args: never[]) => T, saved: StateReader): T {
    saved.choice("class", [Class.name]);
    const paramsPath = `${saved.path}.params`;
    return SavedStreamDetector.fromJson(Class as StreamClass<T>, saved.where, saved.raw("params"), paramsPath, saved.object("state"));
  }

  /**
   * The stream of a snapshot of `Class` ({ kind: class name, version, params, state }); refused, naming the field,
   * when it is of another kind or version, or a field is missing or out of its range.
   * @internal
   */
  static streamFromSnapshot<T extends SavedStreamDetector>(
    Class: new (...args: never[]) => T,
    snapshot: StreamSnapshot,
  ): SeriesStream {
    checkSnapshot(snapshot, Class.name, SNAPSHOT_VERSION);
    const where = `${Class.name}.restore`;
    const state = StateReader.of(snapshot.state, where, "state");
    const detector = SavedStreamDetector.fromJson(Class as StreamClass<T>, where, snapshot.params, "params", state);
    return new SeriesStream(detector, detector.readState(state));
  }

  /** A detector of `Class` from its saved options (`state`: for a wrapper, where the detector it wraps is). */
  private static fromJson<T>(
    Class: StreamClass<T>,
    where: string,
    savedParams: unknown,
    paramsPath: string,
    state: StateReader,
  ): T {
    const params = decodeParams(savedParams, where, paramsPath);
    try {
      return SavedStreamDetector.build(Class, params, state);
    } catch (error) {
      throw new Error(`${where}: ${paramsPath}: ${(error as Error).message}`);
    }
  }

  /** `new Class(params)`, or the class's own `fromParams` where its constructor does not take one options object. */
  private static build<T>(Class: StreamClass<T>, params: DetectorParams, state?: StateReader): T {
    if (Class.fromParams !== undefined) return Class.fromParams(params, state);
    return new (Class as unknown as new (options: DetectorParams) => T)(params);
  }
}

/** A time-series detector class that can be restored inside another's state (a wrapped detector). */
export type NestedStreamClass = new (...args: never[]) => SavedStreamDetector;

const nestedClasses = new Map<string, NestedStreamClass>();

/**
 * Makes a class restorable by name inside another detector's saved state; each class's own module calls this,
 * so a wrapper (SuppressedDetector) restores what it wraps without importing every detector module.
 * @example registerNestedStreamClass(WindowedGaussianDetector);
 */
export function registerNestedStreamClass(Class: NestedStreamClass): void {
  nestedClasses.set(Class.name, Class);
}

/** The registered classes, by name (see {@link registerNestedStreamClass}). */
export function nestedStreamClasses(): ReadonlyMap<string, NestedStreamClass> {
  return nestedClasses;
}
