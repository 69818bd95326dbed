// Where an epoch of training goes, kernel by kernel: `node --import tsx scripts/bench/training-profile.ts
// [--models 0,2] [--top 12]`. For each bench:train model (scripts/bench/training-models.ts) it trains two epochs
// under tf.profile and keeps the kernels launched during the second (the progress callback marks where each
// epoch ends): the training steps and the validation pass, without model building, scaling or scoring. Prints
// kernels launched per gradient step (every engine launch, those inside composite kernels such as the wasm
// convolution gradients included) and, per kernel kind, launches per step and share of the kernel time (of
// the outermost launches, whose time includes what runs inside them). Counts are exact anywhere. Times are
// wall-clock per kernel: on a busy machine a kernel that is preempted is charged the wait, so each kind's time
// is estimated as launches x its median time per launch, and only the proportions mean something (the load
// average is printed). Also counts the epoch's floating-point work in matrix products and convolutions.
// Dense autoencoders step without the tape where they can (src/nn/tapeless-step.ts: the same kernels, run directly,
// which tf.profile cannot see); they are profiled on the tape (withTapeSteps), whose kernels those steps run.
import os from "node:os";
import { withTapeSteps } from "../../src/nn/tapeless-step";
import { useBackend } from "../../src/nn/tf";
import { TRAINING_BENCH_MODELS, type TrainingBenchModel } from "./training-models";
import { benchData, benchDetector } from "./training-ours";

export interface KernelKind {
  name: string;
  launches: number;
  /** Median wall-clock milliseconds of one launch. */
  medianMs: number;
  /** Whether these launches ran inside another kernel (their time is part of its time). */
  nested: boolean;
}

export interface EpochProfile {
  model: string;
  steps: number;
  /** Engine launches in the epoch, nested ones included. */
  kernels: number;
  /** Σ launches x median ms over the outermost kinds. */
  kernelMs: number;
  /** Floating-point operations of the epoch's matrix products and convolutions (2 per multiply-add). */
  flops: number;
  kinds: KernelKind[];
}

interface RecordedKernel {
  name: string;
  inputShapes: (number[] | null)[];
  outputShapes: number[][];
  kernelTimeMs: number | { error: string } | Promise<number | { error: string }>;
  /** Set here: the engine's kernel depth when the kernel was recorded (0 = launched by the training code). */
  depth?: number;
  /** Set here: whether kernels were recorded inside this one. */
  composite?: boolean;
}

const size = (shape: readonly number[] | null | undefined) => (shape ?? []).reduce((a, b) => a * b, 1);

/**
 * Multiply-add work of one kernel, x 2; 0 for the other kinds (elementwise, reductions, copies) and for
 * composite kernels, whose inner kernels are counted instead.
 */
export function kernelFlops(kernel: RecordedKernel): number {
  if (kernel.composite) return 0;
  const [a, b] = kernel.inputShapes;
  const out = kernel.outputShapes[0];
  switch (kernel.name) {
    case "BatchMatMul":
    case "_FusedMatMul": {
      // a = batch·M·K, b = batch·K·N, out = batch·M·N: K = sqrt(a·b / (out·batch)).
      const batch = size(out!.slice(0, -2));
      return 2 * size(out) * Math.round(Math.sqrt((size(a) * size(b)) / (size(out) * batch)));
    }
    case "AnomalyLabDense": // x [n, k], kernel [k, u]
      return 2 * size(a) * b![1]!;
    case "AnomalyLabDenseGrad": {
      // inputs dy [n, u], x [n, k], kernel [k, u]; dW always, dx when there are three outputs.
      const work = 2 * size(kernel.inputShapes[1]) * kernel.inputShapes[2]![1]!;
      return kernel.outputShapes.length === 3 ? 2 * work : work;
    }
    case "AnomalyLabLstm": // x [n, T, f], kernel [f, 4u], recurrentKernel [u, 4u]: x·W and h·U per step
      return 2 * size(a!.slice(0, 2)) * b![1]! * (b![0]! + kernel.inputShapes[2]![0]!);
    case "AnomalyLabLstmGrad": { // dy, x, kernel, recurrentKernel: dW, dU, dx and dh per step, twice the forward's
      // products (its recomputed forward pass is not counted, so the work is the network's, as with tfjs's LSTM).
      const [, x, w, u] = kernel.inputShapes;
      return 2 * 2 * size(x!.slice(0, 2)) * w![1]! * (w![0]! + u![0]!);
    }
    case "Conv2D":
    case "FusedConv2D": // out [N, OH, OW, OC], filter [KH, KW, IC, OC]
      return 2 * size(out) * size(b!.slice(0, 3));
    case "Conv2DBackpropInput": // dy [N, OH, OW, OC], filter [KH, KW, IC, OC]: each dy value meets every tap once
      return 2 * size(a) * size(b!.slice(0, 3));
    case "Conv2DBackpropFilter": // x, dy [N, OH, OW, OC] -> filter [KH, KW, IC, OC]
      return 2 * size(out) * size(b!.slice(0, 3));
    default:
      return 0;
  }
}

/** The kernels of the second training epoch of `model` on the active backend, by kind, most time first. */
export async function profileEpoch(model: TrainingBenchModel): Promise<EpochProfile> {
  const { tf } = await useBackend();
  const engine = tf.engine() as unknown as { state: { kernelDepth: number; activeProfile: { kernels: RecordedKernel[] } } };
  const epochEnds: number[] = [];
  const atEpochEnd = () => {
    const kernels = engine.state.activeProfile.kernels;
    epochEnds.push(kernels.length);
    // The engine records a kernel after it ran, inner kernels first, with kernelDepth back at the caller's.
    kernels.push = (...added: RecordedKernel[]) => {
      for (const kernel of added) {
        const depth = (kernel.depth = engine.state.kernelDepth);
        // Its inner kernels are the records just before it that are deeper; the tape's saves (Identity clones)
        // run inside every kernel and do not make it a composite.
        kernel.composite = false;
        for (let i = kernels.length - 1; i >= 0 && (kernels[i]!.depth ?? 0) > depth; i--) {
          if (kernels[i]!.name !== "Identity") kernel.composite = true;
        }
        Array.prototype.push.call(kernels, kernel);
      }
      return kernels.length;
    };
  };
  const detector = benchDetector(model, { epochs: 2, seed: 0, progress: atEpochEnd });
  const X = benchData(model);
  const info = await tf.profile(async () => {
    await withTapeSteps(() => detector.fit(X));
  });
  detector.dispose();
  const epoch = (info.kernels as unknown as RecordedKernel[]).slice(epochEnds[0], epochEnds[1]);
  const times = new Map<string, { list: number[]; nested: boolean }>();
  for (const kernel of epoch) {
    const entry = times.get(kernel.name) ?? { list: [], nested: true };
    entry.list.push(Number(kernel.kernelTimeMs) || 0);
    entry.nested &&= (kernel.depth ?? 0) > 0;
    times.set(kernel.name, entry);
  }
  const kinds = [...times].map(([name, { list, nested }]) => ({
    name,
    launches: list.length,
    medianMs: list.sort((x, y) => x - y)[Math.floor(list.length / 2)]!,
    nested,
  }));
  const cost = (kind: KernelKind) => (kind.nested ? 0 : kind.launches * kind.medianMs);
  kinds.sort((x, y) => cost(y) - cost(x) || y.launches - x.launches);
  const samples = model.kind === "lstm" ? model.rows - model.timesteps + 1 : model.rows;
  const trainSamples = samples - Math.floor(samples * model.validationSplit);
  return {
    model: model.name,
    steps: Math.ceil(trainSamples / model.batchSize),
    kernels: kinds.reduce((sum, kind) => sum + kind.launches, 0),
    kernelMs: kinds.reduce((sum, kind) => sum + cost(kind), 0),
    flops: epoch.reduce((sum, kernel) => sum + kernelFlops(kernel), 0),
    kinds,
  };
}

/** The profile as text: one header line and one line per kernel kind (the `top` most expensive, then the rest). */
export function formatProfile(profile: EpochProfile, top: number): string {
  const perStep = (n: number) => (n / profile.steps).toFixed(n / profile.steps < 10 ? 2 : 1);
  const lines = [`${profile.model}: ${profile.steps} steps/epoch, ${perStep(profile.kernels)} kernels/step, ` +
    `~${profile.kernelMs.toFixed(0)} ms in kernels per epoch (launches x median), ${(profile.flops / 1e6).toFixed(1)} MFLOP per epoch`];
  const shown = profile.kinds.slice(0, top);
  const rest = profile.kinds.slice(top);
  for (const kind of shown) {
    const share = kind.nested ? "inside others" : `${((100 * kind.launches * kind.medianMs) / profile.kernelMs).toFixed(1).padStart(5)}% of kernel time`;
    lines.push(`  ${kind.name.padEnd(32)} ${perStep(kind.launches).padStart(7)}/step ${share}, median ${(1000 * kind.medianMs).toFixed(0)} µs`);
  }
  if (rest.length > 0) {
    const launches = rest.reduce((sum, kind) => sum + kind.launches, 0);
    const ms = rest.reduce((sum, kind) => sum + (kind.nested ? 0 : kind.launches * kind.medianMs), 0);
    lines.push(`  ${`(${rest.length} other kinds)`.padEnd(32)} ${perStep(launches).padStart(7)}/step ${((100 * ms) / profile.kernelMs).toFixed(1).padStart(5)}% of kernel time`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const picked = arg("models")?.split(",").map(Number) ?? [0, 2];
  const { info } = await useBackend();
  console.log(`${info.summary}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(" ")} (1, 5, 15 min)`);
  for (const i of picked) {
    const model = TRAINING_BENCH_MODELS[i];
    if (model === undefined) throw new RangeError(`--models: no model ${i} (0 to ${TRAINING_BENCH_MODELS.length - 1})`);
    console.log(formatProfile(await profileEpoch(model), Number(arg("top") ?? 12)));
  }
  console.log(`load average after: ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
