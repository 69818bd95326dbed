/**
 * The training rows on the host, from which each epoch's shuffled batches are cut: one row copy per sample
 * and one upload per batch, where `tf.gather` of the whole epoch and a `slice` per batch cost two kernels that
 * are slow on wasm (its GatherV2 and Slice copy element by element with index arithmetic: ~24 ms and ~1 ms for
 * the ECG autoencoder's 2,336 x 140 rows and batches of 512, against ~1 ms and ~0.1 ms here; measured on a
 * loaded machine, indicative). The batches hold the same float32 values in the same order, so training is
 * unchanged bit for bit. Costs one host copy of the training rows for the length of `fit`.
 *
 * On wasm the rows are gathered straight into the batch tensor's memory in tfjs's heap: no batch-sized array is
 * allocated per step. A fresh array of that size (288 KB for the ECG batches) is new memory from the system each
 * time, whose pages fault in as the rows are written, and tfjs then copies it into its heap: ~0.2 ms a step of the
 * ECG autoencoder's ~2 ms (a CPU profile of 150 epochs), against ~0.05 ms gathered in place.
 */
import type * as TF from "@tensorflow/tfjs";
import { engineTensor } from "./backend-kernels";
import type { WasmBackend } from "./matmul-module";

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
    if (tf.getBackend() === "wasm") {
      const backend = tf.backend() as unknown as WasmBackend;
      const info = backend.makeOutput(shape, "float32");
      this.gather(backend.typedArrayFromHeap(info), order, start, size);
      return engineTensor(tf, info);
    }
    // Elsewhere the backend may keep the array it is given (cpu does): a new one per batch.
    return tf.tensor(this.gather(new Float32Array(size * rowSize), order, start, size), shape, "float32");
  }

  /** Writes the batch's rows into `out` (size x rowSize floats) and returns it. */
  private gather(out: Float32Array, order: ArrayLike<number> | undefined, start: number, size: number): Float32Array {
    const { rowSize, values } = this;
    if (order === undefined) {
      out.set(values.subarray(start * rowSize, (start + size) * rowSize));
      return out;
    }
    for (let i = 0; i < size; i++) {
      const row = order[start + i]!;
      out.set(values.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
    }
    return out;
  }
}
