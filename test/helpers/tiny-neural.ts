// The nine neural detectors with the smallest networks that still train, for tests of what they share
// (saving, loading, input checks, memory): every one fits rows of 16 values in well under a second.
import { AutoencoderDetector } from "../../src/nn/autoencoder";
import { ConvAutoencoderDetector } from "../../src/nn/conv-autoencoder";
import { Conv1dAutoencoderDetector } from "../../src/nn/conv1d-autoencoder";
import { LstmAutoencoderDetector } from "../../src/nn/lstm-autoencoder";
import { VAEDetector } from "../../src/nn/vae";
import { DeepSVDDDetector } from "../../src/nn/deep-svdd";
import { SOGAALDetector } from "../../src/nn/so-gaal";
import { MOGAALDetector } from "../../src/nn/mo-gaal";
import { GANEnsembleDetector } from "../../src/nn/gan-ensemble";
import type { NeuralDetector } from "../../src/nn/neural-detector";

/** One neural detector class: a tiny instance of it and its static `load`. */
export interface TinyNeural {
  readonly name: string;
  /** The tiny network's options (no seed): what `make` builds, for tests that add options of their own. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly make: (seed: number) => NeuralDetector;
  readonly load: (folder: string) => Promise<NeuralDetector>;
}

/** Columns of {@link tinyRows}: a 4 x 4 image, a sequence of 16 steps, or 16 features. */
export const TINY_COLUMNS = 16;

const QUIET = { progress: false, epochs: 2, batchSize: 16 } as const;

type NeuralClass = (new (options: never) => NeuralDetector) & { load(folder: string): Promise<NeuralDetector> };

function tiny(Class: NeuralClass, options: Record<string, unknown>): TinyNeural {
  const make = Class as unknown as new (options: object) => NeuralDetector;
  return { name: Class.name, options, make: (seed) => new make({ ...options, seed }), load: (folder) => Class.load(folder) };
}

export const TINY_NEURAL: readonly TinyNeural[] = [
  tiny(AutoencoderDetector, { ...QUIET, layers: [{ units: 3 }] }),
  tiny(ConvAutoencoderDetector, { ...QUIET, imageShape: [4, 4, 1], filters: [2], latentDim: 2 }),
  tiny(Conv1dAutoencoderDetector, { ...QUIET, filters: [2], kernelSize: 3 }),
  tiny(LstmAutoencoderDetector, { ...QUIET, timesteps: 2, encoder: [{ units: 2 }], decoder: [] }),
  tiny(VAEDetector, { ...QUIET, encoderUnits: [4] }),
  tiny(DeepSVDDDetector, { ...QUIET, hiddenUnits: [4, 2] }),
  tiny(SOGAALDetector, { progress: false, stopEpochs: 1, batchSize: 16 }),
  tiny(MOGAALDetector, { progress: false, k: 2, stopEpochs: 1, batchSize: 16 }),
  tiny(GANEnsembleDetector, { ...QUIET, generators: 1, discriminators: 1, hiddenUnits: [4], latentDim: 2, discriminatorUnits: [4] }),
];

/** `n` rows of {@link TINY_COLUMNS} values in [0, 1] (smooth waves: images, sequences and features alike). */
export function tinyRows(n: number, phase = 0): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: TINY_COLUMNS }, (_, i) => (Math.sin(0.7 * r + 0.4 * i + phase) + 1) / 2));
}
