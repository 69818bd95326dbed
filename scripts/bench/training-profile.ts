// Where an epoch of training goes, kernel by kernel: `node --import tsx scripts/bench/training-profile.ts
// [--models 0,2] [--top 12]`. For each bench:train model (scripts/bench/training-models.ts) it trains two epochs
// under tf.profile and keeps the kernels launched during the second (the progress callback marks where each
// epoch ends): the training steps and the validation pass, without model building, scaling or scoring. Prints
// kernels launched per gradient step and, per kernel kind, launches per step and share of the kernel time.
// Counts are exact anywhere. Times are wall-clock per kernel: on a busy machine a kernel that is preempted is
// charged the wait, so each kind's time is estimated as launches x its median time per launch, and only the
// proportions mean something (the load average is printed).
import os from "node:os";
import { useBackend } from "../../src/nn/tf";
import { TRAINING_BENCH_MODELS, type TrainingBenchModel } from "./training-models";
import { benchData, benchDetector } from "./training-ours";

export interface KernelKind {
  name: string;
  launches: number;
  /** Median wall-clock milliseconds of one launch. */
  medianMs: number;
}

export interface EpochProfile {
  model: string;
  steps: number;
  kernels: number;
  /** Σ launches x median ms over the kinds. */
  kernelMs: number;
  kinds: KernelKind[];
}

/** The kernels of the second training epoch of `model` on the active backend, by kind, most time first. */
export async function profileEpoch(model: TrainingBenchModel): Promise<EpochProfile> {
  const { tf } = await useBackend();
  const recorded = () => (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state.activeProfile.kernels.length;
  const epochEnds: number[] = [];
  const detector = benchDetector(model, { epochs: 2, seed: 0, progress: () => epochEnds.push(recorded()) });
  const X = benchData(model);
  const info = await tf.profile(async () => {
    await detector.fit(X);
  });
  detector.dispose();
  const times = new Map<string, number[]>();
  for (const kernel of info.kernels.slice(epochEnds[0], epochEnds[1])) {
    const list = times.get(kernel.name) ?? [];
    list.push(Number(kernel.kernelTimeMs) || 0);
    times.set(kernel.name, list);
  }
  const kinds = [...times].map(([name, list]) => ({ name, launches: list.length, medianMs: list.sort((a, b) => a - b)[Math.floor(list.length / 2)]! }));
  kinds.sort((a, b) => b.launches * b.medianMs - a.launches * a.medianMs);
  const samples = model.kind === "lstm" ? model.rows - model.timesteps + 1 : model.rows;
  const trainSamples = samples - Math.floor(samples * model.validationSplit);
  return {
    model: model.name,
    steps: Math.ceil(trainSamples / model.batchSize),
    kernels: kinds.reduce((sum, kind) => sum + kind.launches, 0),
    kernelMs: kinds.reduce((sum, kind) => sum + kind.launches * kind.medianMs, 0),
    kinds,
  };
}

/** The profile as text: one header line and one line per kernel kind (the `top` most expensive, then the rest). */
export function formatProfile(profile: EpochProfile, top: number): string {
  const perStep = (n: number) => (n / profile.steps).toFixed(n / profile.steps < 10 ? 2 : 1);
  const lines = [`${profile.model}: ${profile.steps} steps/epoch, ${perStep(profile.kernels)} kernels/step, ` +
    `~${profile.kernelMs.toFixed(0)} ms in kernels per epoch (launches x median)`];
  const shown = profile.kinds.slice(0, top);
  const rest = profile.kinds.slice(top);
  for (const kind of shown) {
    const share = (100 * kind.launches * kind.medianMs) / profile.kernelMs;
    lines.push(`  ${kind.name.padEnd(28)} ${perStep(kind.launches).padStart(7)}/step ${share.toFixed(1).padStart(5)}% of kernel time, ` +
      `median ${(1000 * kind.medianMs).toFixed(0)} µs`);
  }
  if (rest.length > 0) {
    const launches = rest.reduce((sum, kind) => sum + kind.launches, 0);
    const ms = rest.reduce((sum, kind) => sum + kind.launches * kind.medianMs, 0);
    lines.push(`  ${`(${rest.length} other kinds)`.padEnd(28)} ${perStep(launches).padStart(7)}/step ${((100 * ms) / profile.kernelMs).toFixed(1).padStart(5)}% of kernel time`);
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
