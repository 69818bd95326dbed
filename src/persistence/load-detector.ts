/**
 * `loadDetector(path)`: any saved detector, by the class its file names. The one module of src/persistence that
 * knows the detector classes (the rest is below them): classic detectors and time-series detectors save one JSON
 * file, neural detectors a model folder.
 */
import { BaseDetector, type AnyDetector } from "../core/detector";
import * as classic from "../detectors";
import * as neural from "../nn";
import { NeuralDetector } from "../nn/neural-detector";
import * as series from "../timeseries";
import type { TimeSeriesDetector } from "../timeseries/detector";
import { SavedStreamDetector } from "../timeseries/saved-stream";
import { withArticle } from "./fields";
import { modelFolderClass, readDetectorFile } from "./detector-file";

type Exported = Record<string, unknown>;
type ClassOf<T> = (new (...args: never[]) => T) & { prototype: T };

/** The exported classes of `module` whose instances are `Base`s (a class with a protected constructor too). */
function classesOf<T>(module: Exported, Base: Function & { prototype: T }): Map<string, ClassOf<T>> {
  const found = new Map<string, ClassOf<T>>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === "function" && value.prototype instanceof Base) found.set(name, value as ClassOf<T>);
  }
  return found;
}

const CLASSIC = classesOf(classic as unknown as Exported, BaseDetector);
type NeuralClass = ClassOf<NeuralDetector> & { load(folder: string): Promise<NeuralDetector> };
type SeriesClass = ClassOf<SavedStreamDetector & TimeSeriesDetector>;
const NEURAL = classesOf(neural as unknown as Exported, NeuralDetector) as Map<string, NeuralClass>;
const SERIES = classesOf(series as unknown as Exported, SavedStreamDetector) as Map<string, SeriesClass>;

/**
 * The detector saved at `path`, whatever its class: a classic or time-series detector's JSON file (`save(file)`),
 * or a neural detector's model folder (`await save(folder)`). The same checks as the class's own `load`: a file of
 * a newer format, or with a field missing or out of its range, is refused naming the file and the field.
 *
 * @example
 * const detector = await loadDetector("models/forest.json"); // an IForestDetector, as it was saved
 * detector.score(XNew);
 */
export async function loadDetector(path: string): Promise<AnyDetector | TimeSeriesDetector> {
  const context = "loadDetector";
  const folderClass = modelFolderClass(path, context);
  if (folderClass !== undefined) {
    const Class = NEURAL.get(folderClass);
    if (Class === undefined) throw unknownClass(path, folderClass);
    return Class.load(path);
  }
  const content = readDetectorFile(path, undefined, context);
  const className = content.class;
  const Classic = CLASSIC.get(className);
  if (Classic !== undefined) return BaseDetector.fromSaved(Classic, content);
  const Series = SERIES.get(className);
  if (Series !== undefined) return SavedStreamDetector.fromSaved(Series, content);
  throw unknownClass(path, className);
}

function unknownClass(path: string, className: string): Error {
  return new Error(
    `loadDetector: ${path} holds ${withArticle(className)}, which is not a detector class of anomaly-lab; ` +
      `load it with ${className}.load (a class of your own)`,
  );
}
