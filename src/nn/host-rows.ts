/**
 * The training rows on the host, from which each epoch's shuffled batches are cut: one row copy per sample
 * and one upload per batch, where `tf.gather` of the whole epoch and a `slice` per batch cost two kernels that
 * are slow on wasm (its GatherV2 and Slice copy element by element with index arithmetic: ~24 ms and ~1 ms for
 * the ECG autoencoder's 2,336 x 140 rows and batches of 512, against ~1 ms and ~0.1 ms here; measured on a
 * loaded machine, indicative). The batches hold the same float32 values in the same order, so training is
 * unchanged bit for bit. Costs one host copy of the training rows for the length of `fit`.
 */
import type * as TF from "@tensorflow/tfjs";

export class HostRows {
  private readonly values: Float32Array;
  private readonly rowShape: number[];
  private readonly rowSize: number;

  /** Copies `data` (first axis = samples, float32) to the host once. */
  constructor(data: TF.Tensor) {
    if (data.dtype !== "float32") throw new TypeError(`HostRows: training data must be float32, got ${data.dtype}`);
    this.values = data.dataSync() as Float32Array;
    this.rowShape = data.shape.slice(1);
    this.rowSize = this.rowShape.reduce((product, size) => product * size, 1);
  }

  /** Rows `order[start]`, ..., `order[start + size - 1]` (or rows start .. start + size - 1 without `order`) as one tensor. */
  batch(tf: typeof TF, order: ArrayLike<number> | undefined, start: number, size: number): TF.Tensor {
    const { rowSize } = this;
    const shape = [size, ...this.rowShape];
    if (order === undefined) return tf.tensor(this.values.slice(start * rowSize, (start + size) * rowSize), shape, "float32");
    const out = new Float32Array(size * rowSize);
    for (let i = 0; i < size; i++) {
      const row = order[start + i]!;
      out.set(this.values.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    }
    return tf.tensor(out, shape, "float32");
  }
}
