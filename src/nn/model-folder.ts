/**
 * A trained detector on disk: one folder, written atomically, readable on every backend.
 *
 *   <folder>/model.json     tfjs's Layers format (topology + weights manifest), as `tf.io` writes it
 *   <folder>/weights.bin    the weights, float32 little-endian, in manifest order
 *   <folder>/detector.json  anomaly-lab's part: detector class, options, input scaling, threshold, training
 *                           scores, training history, format version
 *
 * tfjs's own `file://` handler exists only in tfjs-node, so this module writes and reads the same files itself.
 * The folder is built under a temporary name beside the target and renamed into place; an existing folder is
 * replaced only once the new one is complete, and only when it is empty or an anomaly-lab model folder holding
 * nothing but those three files. What marks a model folder is detector.json with `format:
 * "anomaly-lab/neural-detector"`, which every release has written, so folders saved before this check are
 * recognised too.
 *
 * Reading checks every field of model.json and the size of weights.bin before tfjs sees them, and frees every
 * tensor it made when the network cannot be built; the detector's own state in detector.json is checked by
 * `saved-state.ts`.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TF from "@tensorflow/tfjs";
import { detectorFileClass } from "../persistence/detector-file";
import { describe, fieldError, isCount, isPlainObject, withArticle, type FieldError } from "../persistence/fields";

export { describe, fieldError, isCount, isPlainObject, type FieldError };

export const DETECTOR_FORMAT = "anomaly-lab/neural-detector";
export const DETECTOR_FORMAT_VERSION = 1;

/** The files of a model folder; anything else in one is the user's and is never replaced. */
const MODEL_FILES: readonly string[] = ["detector.json", "model.json", "weights.bin"];
const CHOOSE_ANOTHER = "choose an empty or new path";

/** The anomaly-lab part of a saved detector (`detector.json`). */
export interface SavedDetector {
  format: typeof DETECTOR_FORMAT;
  formatVersion: number;
  /** Class that wrote it, e.g. "AutoencoderDetector". */
  detector: string;
  /** anomaly-lab and tfjs versions that wrote it. */
  libraryVersion: string;
  tfjsVersion: string;
  /** Everything else the detector needs (options, scaling, threshold, scores, history); see saved-state.ts. */
  state: Record<string, unknown>;
}

/**
 * The absolute path of a model folder given to `save` or `load` (`context`, e.g. "AutoencoderDetector.save");
 * an empty path is refused, not taken for the current folder.
 */
export function modelFolderPath(folder: unknown, context: string): string {
  if (typeof folder !== "string") {
    throw new TypeError(`${context}: the folder must be a path (a string), got ${describe(folder)}`);
  }
  if (folder.trim() === "") {
    throw new RangeError(`${context}: the folder path is empty: give a folder, e.g. "models/my-detector"`);
  }
  return path.resolve(folder);
}

/**
 * Writes `model` and `saved` to `folder`: created, or replaced atomically when it is empty or an anomaly-lab
 * model folder; anything else there (files, other folders, a regular file) is refused before anything is written.
 */
export async function writeModelFolder(
  tf: typeof TF,
  model: TF.LayersModel,
  saved: SavedDetector,
  folder: string,
  context: string,
): Promise<void> {
  const target = modelFolderPath(folder, context);
  checkSaveTarget(target, context);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  // mkdir, not mkdtemp: mkdtemp creates mode 0700, and the renamed folder would keep it.
  const temporary = path.join(parent, `.${path.basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
  fs.mkdirSync(temporary);
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights =
          artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
        const modelJson = {
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["./weights.bin"], weights: artifacts.weightSpecs }],
        };
        fs.writeFileSync(path.join(temporary, "model.json"), JSON.stringify(modelJson));
        fs.writeFileSync(path.join(temporary, "weights.bin"), Buffer.from(weights));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    fs.writeFileSync(path.join(temporary, "detector.json"), JSON.stringify(saved, null, 1));
    checkSaveTarget(target, context); // again: the folder may have changed while the files were written
    replaceFolder(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Throws unless `target` is absent, an empty folder, or an anomaly-lab model folder with nothing but its own
 * files: the only places a save may replace without losing anything of the user's.
 */
function checkSaveTarget(target: string, context: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const refuse = (why: string): Error => new Error(`${context}: ${target} ${why}`);
  if (stats.isSymbolicLink()) throw refuse(`is a symbolic link, not an anomaly-lab model folder: ${CHOOSE_ANOTHER}`);
  if (!stats.isDirectory()) throw refuse(`is a file, not an anomaly-lab model folder: ${CHOOSE_ANOTHER}`);
  const entries = fs
    .readdirSync(target, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
  if (entries.length > 0) {
    if (!isModelFolder(target)) {
      throw refuse(`is not an anomaly-lab model folder (it holds ${listed(entries)}): ${CHOOSE_ANOTHER}`);
    }
    const others = entries.filter((entry) => !MODEL_FILES.includes(entry));
    if (others.length > 0) {
      const them = others.length === 1 ? "it" : "them";
      const lost = `saving would delete ${them}; move ${them} away or ${CHOOSE_ANOTHER}`;
      throw refuse(`holds ${listed(others)} besides the model's files: ${lost}`);
    }
  }
  const cwd = process.cwd();
  if (cwd === target || cwd.startsWith(target + path.sep)) {
    throw refuse("is the current folder: replacing it would leave the process in a deleted folder; save from outside it");
  }
}

/** Whether `folder` holds the marker of an anomaly-lab model folder: detector.json with the library's format. */
function isModelFolder(folder: string): boolean {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(folder, "detector.json"), "utf8")) as unknown;
    return typeof saved === "object" && saved !== null && (saved as { format?: unknown }).format === DETECTOR_FORMAT;
  } catch {
    return false; // no detector.json, a folder of that name, or not JSON: not ours
  }
}

/** Moves `temporary` to `target`; an existing `target` is kept aside until the move succeeded. */
function replaceFolder(temporary: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(temporary, target);
    return;
  }
  const aside = `${temporary}.previous`;
  fs.renameSync(target, aside);
  try {
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.renameSync(aside, target);
    throw error;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/**
 * Reads and checks `<folder>/detector.json`: an object in the library's format, a version this release reads,
 * written by `detectorClass`, with its `state` an object (whose fields saved-state.ts checks).
 */
export function readSavedDetector(folder: string, detectorClass: string): { target: string; saved: SavedDetector } {
  const context = `${detectorClass}.load`;
  const target = modelFolderPath(folder, context);
  const inFile = detectorFileClass(target);
  if (inFile !== undefined) {
    const holds = `holds ${withArticle(inFile)} (a detector file, not a model folder)`;
    throw new Error(`${context}: ${target} ${holds}; load it with ${inFile}.load`);
  }
  const file = path.join(target, "detector.json");
  const saved = readJsonObject(target, "detector.json", context);
  if (saved.format !== DETECTOR_FORMAT) {
    throw new Error(`${context}: ${file} is not an anomaly-lab detector (format ${describe(saved.format)})`);
  }
  const field = fieldError(`${context}: ${file}`);
  const version = saved.formatVersion;
  if (!isCount(version) || version < 1) throw field("formatVersion", "an integer >= 1", version);
  if (version > DETECTOR_FORMAT_VERSION) {
    const reads = `this anomaly-lab reads up to ${DETECTOR_FORMAT_VERSION}: upgrade anomaly-lab`;
    throw new Error(`${context}: ${target} has format version ${version}; ${reads}`);
  }
  if (typeof saved.detector !== "string") throw field("detector", "a class name", saved.detector);
  if (saved.detector !== detectorClass) {
    throw new Error(`${context}: ${target} holds ${withArticle(saved.detector)}; load it with ${saved.detector}.load`);
  }
  for (const key of ["libraryVersion", "tfjsVersion"] as const) {
    if (typeof saved[key] !== "string") throw field(key, "a version string", saved[key]);
  }
  if (!isPlainObject(saved.state)) throw field("state", "an object", saved.state);
  return { target, saved: saved as unknown as SavedDetector };
}

/**
 * Builds the network saved in `target` (model.json + weights.bin) on the current backend. Every field tfjs
 * reads is checked first, and a network that cannot be built or take its weights leaves no tensor behind.
 */
export async function readNetwork(tf: typeof TF, target: string, detectorClass: string): Promise<TF.LayersModel> {
  const context = `${detectorClass}.load`;
  const file = path.join(target, "model.json");
  const json = readJsonObject(target, "model.json", context);
  const field = fieldError(`${context}: ${file}`);
  if (!isPlainObject(json.modelTopology)) throw field("modelTopology", "an object", json.modelTopology);
  const weightSpecs = checkWeightsManifest(json.weightsManifest, field);
  const weightBytes = readFile(target, "weights.bin", context);
  const expected = weightSpecs.reduce((sum, spec) => sum + 4 * spec.shape.reduce((a, b) => a * b, 1), 0);
  if (weightBytes.length !== expected) {
    const sizes = `has ${weightBytes.length} bytes, model.json expects ${expected}`;
    throw new Error(`${context}: ${target}/weights.bin ${sizes} (truncated or mismatched files)`);
  }
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength);
  checkWeightValues(new Float32Array(weightData), weightSpecs, `${context}: ${target}/weights.bin`);
  const model = await buildTopology(tf, json.modelTopology, `${context}: ${file}`);
  try {
    // Strict: every weight of the network, each with its own shape; the decoded copies are freed by tidy.
    tf.tidy(() => model.loadWeights(tf.io.decodeWeights(weightData, weightSpecs), true));
  } catch (error) {
    model.dispose();
    throw new Error(`${context}: ${file}: weightsManifest does not fit modelTopology: ${(error as Error).message}`);
  }
  return model;
}

/** The network of a topology, with initial weights; a topology tfjs cannot build leaves no variable behind. */
async function buildTopology(tf: typeof TF, modelTopology: Record<string, unknown>, where: string): Promise<TF.LayersModel> {
  const variables = (): string[] => Object.keys(tf.engine().registeredVariables);
  const before = new Set(variables());
  // tfjs deserialises a topology without weights synchronously, inside this call: the variables it made on
  // the way to a failure (the layers built before a bad one) are exactly those new now.
  const building = tf.models.modelFromJSON({ modelTopology } as TF.io.ModelJSON);
  const made = variables().filter((name) => !before.has(name));
  try {
    return await building;
  } catch (error) {
    for (const name of made) tf.engine().registeredVariables[name]?.dispose();
    throw new Error(`${where}: modelTopology does not describe a network tfjs can build: ${(error as Error).message}`);
  }
}

/** The weight specs of a `weightsManifest` (groups of `{ name, shape, dtype: "float32" }`), checked. */
function checkWeightsManifest(manifest: unknown, field: FieldError): TF.io.WeightsManifestEntry[] {
  if (!Array.isArray(manifest)) throw field("weightsManifest", "an array", manifest);
  return manifest.flatMap((group: unknown, g) => {
    const weights = isPlainObject(group) ? group.weights : undefined;
    if (!Array.isArray(weights)) throw field(`weightsManifest[${g}].weights`, "an array", weights);
    return weights.map((spec: unknown, w) => {
      const at = `weightsManifest[${g}].weights[${w}]`;
      if (!isPlainObject(spec)) throw field(at, "an object", spec);
      if (typeof spec.name !== "string") throw field(`${at}.name`, "a string", spec.name);
      const shape = spec.shape;
      if (!(Array.isArray(shape) && shape.every(isCount))) throw field(`${at}.shape`, "an array of integers >= 0", shape);
      // anomaly-lab writes float32 weights, unquantised; weights.bin's size is checked on that basis.
      if (spec.dtype !== "float32") throw field(`${at}.dtype`, '"float32"', spec.dtype);
      if (spec.quantization !== undefined) {
        throw field(`${at}.quantization`, "absent (anomaly-lab writes unquantised weights)", spec.quantization);
      }
      return { name: spec.name, shape: shape as number[], dtype: "float32" } satisfies TF.io.WeightsManifestEntry;
    });
  });
}

/** A damaged weights.bin may hold NaN or ±Infinity, which would make every score NaN: refused by weight name. */
function checkWeightValues(values: Float32Array, specs: readonly TF.io.WeightsManifestEntry[], where: string): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    for (let k = 0; k < count; k++) {
      const value = values[offset + k];
      if (!Number.isFinite(value)) {
        throw new Error(`${where}: ${spec.name}[${k}] is ${value} (of ${count} values): the file is damaged`);
      }
    }
    offset += count;
  }
}

function readFile(target: string, name: string, context: string): Buffer {
  const file = path.join(target, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${context}: ${file} is missing (a saved detector folder has model.json, weights.bin and detector.json)`);
  }
  return fs.readFileSync(file);
}

function readJsonObject(target: string, name: string, context: string): Record<string, unknown> {
  const file = path.join(target, name);
  const text = readFile(target, name, context).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${context}: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) throw new Error(`${context}: ${file} must hold a JSON object, got ${describe(value)}`);
  return value;
}

/** "a, b, c" (at most five names, then how many more). */
function listed(names: readonly string[]): string {
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}
