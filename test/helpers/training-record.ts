// What a seeded training run leaves to compare bit for bit with another run of it (ours against tfjs's kernels):
// the training and validation losses of every epoch and the training scores; the detector is disposed.
interface TrainedDetector {
  fit(X: number[][]): Promise<unknown>;
  history: { loss: readonly number[]; valLoss: readonly number[] };
  trainingScores: ArrayLike<number>;
  dispose(): void;
}

export interface TrainingRecord {
  /** Training losses, then validation losses (none without a validation split). */
  loss: number[];
  scores: number[];
}

export async function trainingRecord(detector: TrainedDetector, X: number[][]): Promise<TrainingRecord> {
  await detector.fit(X);
  const record = { loss: [...detector.history.loss, ...detector.history.valLoss], scores: Array.from(detector.trainingScores) };
  detector.dispose();
  return record;
}
