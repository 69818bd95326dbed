/**
 * A trained detector on disk: one folder, written atomically, readable on every backend.
 *
 *   <folder>/model.json     tfjs's Layers format (topology + weights manifest), as `tf.io` writes it
 *   <folder>/weights.bin    the weights, float32 little-endian, in manifest order
 *   <folder>/detector.json  anomaly-lab's part: detector class, options, input scaling, threshold, training
 *                           scores, training history, format version
 *
 * tfjs's own `file://` handler exists only in tfjs-node, so this module writes and reads the same files itself
 * (`tf.io.withSaveHandler` / `tf.io.fromMemory`). The folder is built under a temporary name beside the
 * target and renamed into place; an existing folder is replaced only once the new one is complete.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TF from "@tensorflow/tfjs";

export const DETECTOR_FORMAT = "anomaly-lab/neural-detector";
export const DETECTOR_FORMAT_VERSION = 1;

/** The anomaly-lab part of a saved detector (`detector.json`). */
export interface SavedDetector {
  format: typeof DETECTOR_FORMAT;
  formatVersion: number;
  /** Class that wrote it, e.g. "AutoencoderDetector". */
  detector: string;
  /** anomaly-lab and tfjs versions that wrote it. */
  libraryVersion: string;
  tfjsVersion: string;
  /** Everything else the detector needs (options, scaling, threshold, scores, history). */
  state: Record<string, unknown>;
}

/** Writes `model` and `saved` to `folder` (created or replaced atomically). */
export async function writeModelFolder(tf: typeof TF, model: TF.LayersModel, saved: SavedDetector, folder: string): Promise<void> {
  const target = path.resolve(folder);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temporary = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
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
    replaceFolder(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Reads a folder written by {@link writeModelFolder}; checks that it holds a `detectorClass`. */
export async function readModelFolder(
  tf: typeof TF,
  folder: string,
  detectorClass: string,
): Promise<{ model: TF.LayersModel; saved: SavedDetector }> {
  const target = path.resolve(folder);
  const read = (name: string): Buffer => {
    const file = path.join(target, name);
    if (!fs.existsSync(file)) throw new Error(`${detectorClass}.load: ${file} is missing (a saved detector folder has model.json, weights.bin and detector.json)`);
    return fs.readFileSync(file);
  };
  const saved = parseJson<SavedDetector>(read("detector.json"), path.join(target, "detector.json"));
  if (saved.format !== DETECTOR_FORMAT) {
    throw new Error(`${detectorClass}.load: ${target}/detector.json is not an anomaly-lab detector (format ${String(saved.format)})`);
  }
  if (saved.formatVersion > DETECTOR_FORMAT_VERSION) {
    throw new Error(`${detectorClass}.load: ${target} has format version ${saved.formatVersion}; this anomaly-lab reads up to ${DETECTOR_FORMAT_VERSION}: upgrade anomaly-lab`);
  }
  if (saved.detector !== detectorClass) {
    throw new Error(`${detectorClass}.load: ${target} holds a ${saved.detector}; load it with ${saved.detector}.load`);
  }
  const modelJson = parseJson<{ modelTopology: object; weightsManifest: { weights: TF.io.WeightsManifestEntry[] }[]; format?: string }>(
    read("model.json"),
    path.join(target, "model.json"),
  );
  const weightBytes = read("weights.bin");
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce((sum, spec) => sum + 4 * spec.shape.reduce((a, b) => a * b, 1), 0);
  if (weightBytes.length !== expected) {
    throw new Error(`${detectorClass}.load: ${target}/weights.bin has ${weightBytes.length} bytes, model.json expects ${expected} (truncated or mismatched files)`);
  }
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData, format: modelJson.format }));
  return { model, saved };
}

function parseJson<T>(bytes: Buffer, file: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
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
