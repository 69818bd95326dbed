/**
 * What every time-series detector class shares beyond scoring: scikit-learn's estimator protocol (`getParams`,
 * `clone`) and save / load of its options and streaming state, in the detector file format of
 * src/persistence/detector-file.ts. A loaded detector continues the stream where the saved one stopped: its next
 * `update` gives the score the saved detector's would have.
 */
import { readDetectorFile, writeDetectorFile, type ReadContent, type SavedContent } from "../persistence/detector-file";
import { cloneParams, decodeParams, encodeParams, withOverrides, type DetectorParams } from "../persistence/params";
import { StateReader } from "../persistence/state-codec";

/**
 * A time-series detector class as the base sees it: built from its options, or by its own `fromParams` where its
 * constructor does not take one options object (which also gets the saved state when loading: a wrapped detector).
 */
type StreamClass<T> = (new (...args: never[]) => T) & { fromParams?: (params: DetectorParams, state?: StateReader) => T };

export abstract class SavedStreamDetector {
  /**
   * The constructor options, every one of them, defaults filled in (scikit-learn's `get_params`).
   * @example new RollingZScoreDetector().getParams(); // { windowSize: 288, robust: false, minPoints: 30, zThreshold: 3,
   * //   threshold: { fixed: 0.5 } }
   */
  abstract getParams(): DetectorParams;

  /** The streaming state (what `update` remembers) as JSON values, for `save`. */
  protected abstract streamState(): Record<string, unknown>;

  /** Puts back the streaming state of {@link streamState}, reading every field through `state` (which checks it). */
  protected abstract restoreStream(state: StateReader): void;

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
   * Saves the options and the streaming state to one JSON file (atomically; an existing path is replaced only when
   * it is an anomaly-lab detector file). `<Class>.load(file)` or `loadDetector(file)` continues the stream.
   * @example
   * detector.save("models/cpu-zscore.json"); // after a day of update(x)
   * const resumed = RollingZScoreDetector.load("models/cpu-zscore.json");
   * resumed.update(next); // the score the saved detector would have given
   */
  save(file: string): void {
    const context = `${this.constructor.name}.save`;
    writeDetectorFile(file, this.savedContent(context), context);
  }

  /**
   * What `save` writes, as an object (also how SuppressedDetector saves the detector it wraps).
   * @internal
   */
  savedContent(context: string): SavedContent {
    return { class: this.constructor.name, params: encodeParams(this.getParams(), context), state: this.streamState() };
  }

  /**
   * The detector saved in `file`, its stream where it was. Refused, naming the file and the field: a file of
   * another class, of a newer format version, or with a field missing or out of its range.
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
    return SavedStreamDetector.restore(Class, content.where, content.params, "params", state);
  }

  /**
   * A detector of `Class` saved inside another's state ({@link savedContent}).
   * @internal
   */
  static fromNested<T extends SavedStreamDetector>(Class: new (...args: never[]) => T, saved: StateReader): T {
    saved.choice("class", [Class.name]);
    const state = saved.object("state");
    return SavedStreamDetector.restore(Class, saved.where, saved.raw("params"), `${saved.path}.params`, state);
  }

  private static restore<T extends SavedStreamDetector>(
    Class: new (...args: never[]) => T,
    where: string,
    savedParams: unknown,
    paramsPath: string,
    state: StateReader,
  ): T {
    const params = decodeParams(savedParams, where, paramsPath);
    let detector: T;
    try {
      detector = SavedStreamDetector.build(Class as StreamClass<T>, params, state);
    } catch (error) {
      throw new Error(`${where}: ${paramsPath}: ${(error as Error).message}`);
    }
    detector.restoreStream(state);
    return detector;
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
