// Kernels tfjs launches per gradient step, counted exactly under tf.profile: a detector trains two epochs and the
// second epoch's launches (its first pays one-off costs) are divided by its steps.
import type * as TF from "@tensorflow/tfjs";

/**
 * `make(progress)` builds a detector for two epochs that reports each epoch's end through `progress`; `fit` trains
 * it on data giving `steps` gradient steps an epoch. Returns the second epoch's kernels per step.
 */
export async function kernelsPerStep<D extends { dispose(): void }>(
  tf: typeof TF,
  make: (progress: () => void) => D,
  fit: (detector: D) => Promise<unknown>,
  steps: number,
): Promise<number> {
  const engine = tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } };
  const ends: number[] = [];
  const detector = make(() => ends.push(engine.state.activeProfile.kernels.length));
  await tf.profile(async () => {
    await fit(detector);
  });
  detector.dispose();
  return (ends[1]! - ends[0]!) / steps;
}
