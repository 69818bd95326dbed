// Kernels tfjs launches per gradient step, counted exactly under tf.profile: a detector trains two epochs and the
// second epoch's launches (its first pays one-off costs) are divided by its steps.
import type * as TF from "@tensorflow/tfjs";

/**
 * `make(progress)` builds a detector for two epochs that reports each epoch's end through `progress`; `fit` trains
 * it on data giving `steps` gradient steps an epoch. Returns the second epoch's kernels per step: all of them, or
 * only those whose name `counted` accepts.
 */
export async function kernelsPerStep<D extends { dispose(): void }>(
  tf: typeof TF,
  make: (progress: () => void) => D,
  fit: (detector: D) => Promise<unknown>,
  steps: number,
  counted: (name: string) => boolean = () => true,
): Promise<number> {
  const engine = tf.engine() as unknown as { state: { activeProfile: { kernels: { name: string }[] } } };
  const ends: number[] = [];
  const detector = make(() => ends.push(engine.state.activeProfile.kernels.length));
  let kernels: { name: string }[] = [];
  await tf.profile(async () => {
    await fit(detector);
    kernels = engine.state.activeProfile.kernels;
  });
  detector.dispose();
  return kernels.slice(ends[0]!, ends[1]!).filter((kernel) => counted(kernel.name)).length / steps;
}
