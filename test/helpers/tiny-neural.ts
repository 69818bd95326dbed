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
  readonly make: (seed: number) => NeuralDetector;
  readonly load: (folder: string) => Promise<NeuralDetector>;
}

/** Columns of {@link tinyRows}: a 4 x 4 image, a sequence of 16 steps, or 16 features. */
export const TINY_COLUMNS = 16;

const QUIET = { progress: false, epochs: 2, batchSize: 16 } as const;

export const TINY_NEURAL: readonly TinyNeural[] = [
  { name: "AutoencoderDetector", make: (seed) => new AutoencoderDetector({ ...QUIET, layers: [{ units: 3 }], seed }), load: (f) => AutoencoderDetector.load(f) },
  {
    name: "ConvAutoencoderDetector",
    make: (seed) => new ConvAutoencoderDetector({ ...QUIET, imageShape: [4, 4, 1], filters: [2], latentDim: 2, seed }),
    load: (f) => ConvAutoencoderDetector.load(f),
  },
  {
    name: "Conv1dAutoencoderDetector",
    make: (seed) => new Conv1dAutoencoderDetector({ ...QUIET, filters: [2], kernelSize: 3, seed }),
    load: (f) => Conv1dAutoencoderDetector.load(f),
  },
  {
    name: "LstmAutoencoderDetector",
    make: (seed) => new LstmAutoencoderDetector({ ...QUIET, timesteps: 2, encoder: [{ units: 2 }], decoder: [], seed }),
    load: (f) => LstmAutoencoderDetector.load(f),
  },
  { name: "VAEDetector", make: (seed) => new VAEDetector({ ...QUIET, encoderUnits: [4], seed }), load: (f) => VAEDetector.load(f) },
  { name: "DeepSVDDDetector", make: (seed) => new DeepSVDDDetector({ ...QUIET, hiddenUnits: [4, 2], seed }), load: (f) => DeepSVDDDetector.load(f) },
  { name: "SOGAALDetector", make: (seed) => new SOGAALDetector({ progress: false, stopEpochs: 1, batchSize: 16, seed }), load: (f) => SOGAALDetector.load(f) },
  { name: "MOGAALDetector", make: (seed) => new MOGAALDetector({ progress: false, k: 2, stopEpochs: 1, batchSize: 16, seed }), load: (f) => MOGAALDetector.load(f) },
  {
    name: "GANEnsembleDetector",
    make: (seed) =>
      new GANEnsembleDetector({ ...QUIET, generators: 1, discriminators: 1, hiddenUnits: [4], latentDim: 2, discriminatorUnits: [4], seed }),
    load: (f) => GANEnsembleDetector.load(f),
  },
];

/** `n` rows of {@link TINY_COLUMNS} values in [0, 1] (smooth waves: images, sequences and features alike). */
export function tinyRows(n: number, phase = 0): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: TINY_COLUMNS }, (_, i) => (Math.sin(0.7 * r + 0.4 * i + phase) + 1) / 2));
}
