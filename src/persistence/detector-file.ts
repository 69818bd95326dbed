/**
 * A saved classic or time-series detector: one JSON file, written atomically.
 *
 *   {
 *    "format": "anomaly-lab/detector",      what marks the file as ours (always the first key)
 *    "version": 1,                          the format version; a newer one is refused with "upgrade anomaly-lab"
 *    "class": "IForestDetector",            the class that wrote it (its `load` refuses another's file)
 *    "libraryVersion": "0.1.0",
 *    "params": { ... },                     the constructor options (getParams(), see params.ts)
 *    "fit": { rows, cols, featureNames, trainingScores },   classic detectors: the fit's shape, column names, scores
 *    "state": { ... }                       the class's fitted (or streaming) state, typed arrays in base64
 *   }
 *
 * The file is written under a temporary name beside the target, flushed, and renamed into place, so a crash leaves
 * the previous file or the new one, never half of one. An existing path is replaced only when it is an anomaly-lab
 * detector file; anything else there (another file, a folder, a link) is refused before anything is written.
 * Neural detectors keep their model folders (src/nn/model-folder.ts): a folder of tfjs files and detector.json.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, fieldError, isCount, isPlainObject, withArticle } from "./fields";

export const DETECTOR_FILE_FORMAT = "anomaly-lab/detector";
export const DETECTOR_FILE_VERSION = 1;
/** What marks a neural model folder's detector.json (src/nn/model-folder.ts). */
const NEURAL_FORMAT = "anomaly-lab/neural-detector";
const CHOOSE_ANOTHER = "choose a new path, or remove it yourself if it is not needed";

/** What a class saves; the file adds its format, version and the library version. */
export interface SavedContent {
  /** The class that wrote it, e.g. "IForestDetector". */
  readonly class: string;
  /** Constructor options as JSON (params.ts). */
  readonly params: Record<string, unknown>;
  /** Classic detectors: the shape, column names and training scores of the fit. */
  readonly fit?: Record<string, unknown>;
  /** The class's own fitted or streaming state. */
  readonly state: Record<string, unknown>;
}

/** A detector file as read and checked: where it is, for error messages, and what it holds. */
export interface ReadContent extends SavedContent {
  readonly version: number;
  readonly libraryVersion: string;
  /** "<Class>.load: <file>", the start of every error about it. */
  readonly where: string;
}

/** The absolute path of a detector file given to save or load; a non-string or empty path is refused. */
export function detectorFilePath(file: unknown, context: string): string {
  if (typeof file !== "string") throw new TypeError(`${context}: the path must be a string, got ${describe(file)}`);
  if (file.trim() === "") throw new RangeError(`${context}: the path is empty: give a file, e.g. "models/forest.json"`);
  return path.resolve(file);
}

/**
 * Writes `content` to `file` atomically: created, or replacing an anomaly-lab detector file; any other file, a
 * folder or a link there is refused, and nothing is written.
 */
export function writeDetectorFile(file: string, content: SavedContent, context: string): void {
  const target = detectorFilePath(file, context);
  checkSaveTarget(target, context);
  const document = {
    format: DETECTOR_FILE_FORMAT,
    version: DETECTOR_FILE_VERSION,
    class: content.class,
    libraryVersion: libraryVersion(),
    params: content.params,
    ...(content.fit === undefined ? {} : { fit: content.fit }),
    state: content.state,
  };
  const text = JSON.stringify(document, null, 1);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temporary = path.join(parent, `.${path.basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    const descriptor = fs.openSync(temporary, "wx");
    try {
      fs.writeFileSync(descriptor, text);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    checkSaveTarget(target, context); // again: the path may have changed while the file was written
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Throws unless `target` is absent or an anomaly-lab detector file: the only paths a save may replace. */
function checkSaveTarget(target: string, context: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const refuse = (why: string): Error => new Error(`${context}: ${target} ${why}`);
  if (stats.isSymbolicLink()) throw refuse(`is a symbolic link, not an anomaly-lab detector file: ${CHOOSE_ANOTHER}`);
  if (stats.isDirectory()) {
    const example = path.join(target, "detector.json");
    throw refuse(`is a folder, not an anomaly-lab detector file: give a file path, e.g. ${example}`);
  }
  if (!stats.isFile() || !startsAsDetectorFile(target)) {
    throw refuse(`is not an anomaly-lab detector file, and saving would replace it: ${CHOOSE_ANOTHER}`);
  }
}

/**
 * Whether the file begins as a detector file does: `{ "format": "anomaly-lab/detector"` (the first key in every
 * file this module writes). Only its first bytes are read: a large file of the user's is never loaded to decide.
 */
function startsAsDetectorFile(file: string): boolean {
  const head = Buffer.alloc(256);
  const descriptor = fs.openSync(file, "r");
  let read: number;
  try {
    read = fs.readSync(descriptor, head, 0, head.length, 0);
  } finally {
    fs.closeSync(descriptor);
  }
  return /^\s*\{\s*"format"\s*:\s*"anomaly-lab\/detector"/.test(head.subarray(0, read).toString("utf8"));
}

/**
 * Reads and checks a detector file: an object in the library's format, a version this release reads, written by
 * `className` (any class when undefined), with `params` and `state` objects (whose fields the class checks).
 */
export function readDetectorFile(file: string, className: string | undefined, context: string): ReadContent {
  const target = detectorFilePath(file, context);
  const where = `${context}: ${target}`;
  const json = readJson(target, context);
  if (json.format !== DETECTOR_FILE_FORMAT) {
    const neural = json.format === NEURAL_FORMAT ? ": it is a neural model folder's detector.json; load the folder" : "";
    throw new Error(`${where} is not an anomaly-lab detector file (format ${describe(json.format)})${neural}`);
  }
  const field = fieldError(where);
  const version = json.version;
  if (!isCount(version) || version < 1) throw field("version", "an integer >= 1", version);
  if (version > DETECTOR_FILE_VERSION) {
    const reads = `this anomaly-lab reads up to ${DETECTOR_FILE_VERSION}: upgrade anomaly-lab`;
    throw new Error(`${where} has format version ${version}; ${reads}`);
  }
  const saved = json.class;
  if (typeof saved !== "string" || saved === "") throw field("class", "a class name", saved);
  if (className !== undefined && saved !== className) {
    throw new Error(`${where} holds ${withArticle(saved)}; load it with ${saved}.load (or loadDetector)`);
  }
  if (typeof json.libraryVersion !== "string") throw field("libraryVersion", "a version string", json.libraryVersion);
  if (!isPlainObject(json.params)) throw field("params", "an object", json.params);
  if (json.fit !== undefined && !isPlainObject(json.fit)) throw field("fit", "an object", json.fit);
  if (!isPlainObject(json.state)) throw field("state", "an object", json.state);
  return {
    class: saved,
    version,
    libraryVersion: json.libraryVersion,
    params: json.params,
    fit: json.fit as Record<string, unknown> | undefined,
    state: json.state,
    where: `${className ?? saved}.load: ${target}`,
  };
}

/**
 * The class a neural model folder's detector.json names, or undefined when `file` is not a folder (then it is
 * read as a detector file). A folder that is not an anomaly-lab model folder is refused.
 */
export function modelFolderClass(file: string, context: string): string | undefined {
  const target = detectorFilePath(file, context);
  if (!isFolder(target)) return undefined;
  const json = readJson(path.join(target, "detector.json"), context);
  if (json.format !== NEURAL_FORMAT || typeof json.detector !== "string") {
    const format = `its detector.json has format ${describe(json.format)}`;
    throw new Error(`${context}: ${target} is not an anomaly-lab model folder (${format})`);
  }
  return json.detector;
}

/**
 * The class a detector file names, or undefined when `target` is not a detector file (a folder, missing, another
 * file): what a neural `load` given a file says it holds.
 */
export function detectorFileClass(target: string): string | undefined {
  try {
    if (!fs.statSync(target).isFile() || !startsAsDetectorFile(target)) return undefined;
    const json = JSON.parse(fs.readFileSync(target, "utf8")) as { class?: unknown };
    return typeof json.class === "string" ? json.class : undefined;
  } catch {
    return undefined;
  }
}

function isFolder(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

function readJson(target: string, context: string): Record<string, unknown> {
  let text: string;
  try {
    if (isFolder(target)) {
      const marker = path.join(target, "detector.json");
      const neural = neuralClassOf(marker);
      if (typeof neural === "string") {
        const holds = `holds ${withArticle(neural)} (a model folder)`;
        throw new Error(`${context}: ${target} ${holds}; load it with ${neural}.load (or loadDetector)`);
      }
      throw new Error(`${context}: ${target} is a folder, not an anomaly-lab detector file`);
    }
    text = fs.readFileSync(target, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${context}: ${target} does not exist`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = `not an anomaly-lab detector file, or damaged: ${(error as Error).message}`;
    throw new Error(`${context}: ${target} is not valid JSON (${why})`);
  }
  if (!isPlainObject(value)) throw new Error(`${context}: ${target} must hold a JSON object, got ${describe(value)}`);
  return value;
}

/** The class a neural model folder's detector.json names, or undefined (no such file, not JSON, not ours). */
function neuralClassOf(marker: string): string | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(marker, "utf8")) as { format?: unknown; detector?: unknown };
    return json.format === NEURAL_FORMAT && typeof json.detector === "string" ? json.detector : undefined;
  } catch {
    return undefined;
  }
}

function libraryVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../package.json") as { version: string }).version;
}
