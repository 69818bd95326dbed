/**
 * An LSTM layer over T timesteps as ONE tfjs kernel forward ("AnomalyLabLstm") and ONE kernel for its gradient
 * ("AnomalyLabLstmGrad": backpropagation through time, dx, dKernel, dRecurrentKernel and dBias together).
 *
 * Why: tfjs-layers' LSTM runs its recurrent loop as separate kernels per step and gate (two products, adds, a
 * split, three sigmoids, activations, products of gates) and as many again for their gradients: the LSTM
 * autoencoder with T = 5 launched ~2,090 kernels per training step, launch-bound at under 1% of a GEMM's rate.
 * At these sizes (batch 32, 4 to 16 units) the loops themselves are microseconds.
 *
 * Same numbers: the arithmetic is tfjs's, operation by operation, in float32 (Math.fround of a float64 result is
 * the correctly rounded float32 one for +, −, ×), with tfjs's summation orders:
 * - products as the backend's BatchMatMul sums them: on wasm, x·W and h·U (untransposed: XNNPACK's and matmul.c's
 *   one float32 sum from 0 in order) and the gradients' transposed products (tfjs's fallback and matmul.c: blocks
 *   of 48 along the shared dimension, each a float32 sum from 0, added in order); on cpu, every product in blocks
 *   of 48 summed in float64, each block added to the float32 output;
 * - the bias gradient as tfjs's Sum over the batch (wasm: float32 in row order; cpu: float64, rounded once);
 * - a weight's gradient summed over the steps from the last to the first (the tape's order: existing + new);
 * - the sigmoid and the activations run as the backend's own kernels (called directly, no engine launch), once
 *   per step on the whole [batch, 4·units] block, so their bits are the backend's; their gradients are tfjs's
 *   formulas (sigmoid: dy·(y·(1 − y)); tanh: (1 − y²)·dy; relu: dy·step(x)).
 * Checked bit for bit against tf.layers.lstm (forward, and every gradient) in test/nn-fused-lstm.test.ts.
 * Under a gradient tape the forward kernel keeps its pass (gates, cell states, outputs per step) for the gradient
 * kernel, which otherwise computes it again.
 *
 * Backends: wasm and cpu, activations linear, relu, tanh and sigmoid. Elsewhere {@link lstmKernelApplies} is
 * false and the layer (lstm-layer.ts) runs the same cell as tfjs operations.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Activation } from "./activations";
import { ModuleMemory } from "./matmul-memory";
import { COMPOSITE_BACKENDS } from "./backend-kernels";
import { matmulModule, type MatmulModule } from "./matmul-module";

const FORWARD = "AnomalyLabLstm";
const GRADIENT = "AnomalyLabLstmGrad";
/** tfjs's kBlockSize (wasm's transposed fallback, and cpu's every product). */
const BLOCK = 48;
/** Activations whose kernels and gradients this kernel reproduces (the gates use the sigmoid). */
const FUSED_ACTIVATIONS: readonly Activation[] = ["linear", "relu", "tanh", "sigmoid"];
const KERNEL_OF: Partial<Record<Activation, string>> = { relu: "Relu", tanh: "Tanh", sigmoid: "Sigmoid" };

export interface LstmAttrs {
  activation: Activation;
  returnSequences: boolean;
}

/**
 * The forward pass of each launch recorded on a gradient tape, for its gradient kernel, by the launch's attrs
 * object (the tape hands the gradient the same object; the outputs it saves are copies on wasm).
 */
const tapedPasses = new WeakMap<object, ForwardPass>();

/** Whether the fused kernels take this layer on the active backend (else: tfjs operations). */
export function lstmKernelApplies(tf: typeof TF, activation: Activation): boolean {
  return COMPOSITE_BACKENDS.includes(tf.getBackend()) && FUSED_ACTIVATIONS.includes(activation);
}

/**
 * The LSTM's output for `x` [batch, T, features] through the fused kernel: [batch, T, units] with
 * `returnSequences`, else [batch, units]. Call only where {@link lstmKernelApplies}.
 */
export function lstmForward(
  tf: typeof TF, x: TF.Tensor, kernel: TF.Tensor, recurrentKernel: TF.Tensor, bias: TF.Tensor, attrs: LstmAttrs,
): TF.Tensor {
  register(tf, tf.getBackend());
  // Under a gradient tape the forward pass is kept for the gradient kernel (else it would be computed again).
  const forwardAttrs: ForwardAttrs = { ...attrs, keepForGradient: tf.engine().isTapeOn() };
  const inputs = { x, kernel, recurrentKernel, bias };
  return tf.engine().runKernel(FORWARD, inputs, forwardAttrs as unknown as TF.NamedAttrMap) as TF.Tensor;
}

interface ForwardAttrs extends LstmAttrs {
  keepForGradient: boolean;
}

interface LstmInputs {
  x: TF.TensorInfo;
  kernel: TF.TensorInfo;
  recurrentKernel: TF.TensorInfo;
  bias: TF.TensorInfo;
}

/** Registers both kernels for `backendName` and the gradient, once (another copy of this module may have). */
function register(tf: typeof TF, backendName: string): void {
  if (tf.getKernel(GRADIENT, backendName) !== undefined) return;
  tf.registerKernel({
    kernelName: FORWARD,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const io = hostIo(tf, backendName, backend);
      const { x, kernel, recurrentKernel, bias } = inputs as unknown as LstmInputs;
      const { returnSequences, keepForGradient } = attrs as unknown as ForwardAttrs;
      const values = read(io, x, kernel, recurrentKernel, bias);
      const pass = forwardPass(io, shapesOf(x, recurrentKernel), values, attrs as unknown as LstmAttrs);
      const { batch, steps, units } = pass.shape;
      const y = returnSequences ? io.output([batch, steps, units], pass.sequence()) : io.output([batch, units], pass.h[steps - 1]!);
      if (keepForGradient) tapedPasses.set(attrs!, pass);
      return y;
    },
  });
  tf.registerKernel({ // last: its presence says both are registered
    kernelName: GRADIENT,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const io = hostIo(tf, backendName, backend);
      const { dy, x, kernel, recurrentKernel, bias } = inputs as unknown as LstmInputs & { dy: TF.TensorInfo };
      const values = read(io, x, kernel, recurrentKernel, bias);
      // The taped forward pass of these inputs, else the same pass again.
      const pass = tapedPasses.get(attrs!) ?? forwardPass(io, shapesOf(x, recurrentKernel), values, attrs as unknown as LstmAttrs);
      tapedPasses.delete(attrs!);
      const grads = backwardPass(io, pass, values, io.read(dy), attrs as unknown as LstmAttrs);
      return [
        io.output(x.shape, grads.dx),
        io.output(kernel.shape, grads.dKernel),
        io.output(recurrentKernel.shape, grads.dRecurrent),
        io.output(bias.shape, grads.dBias),
      ];
    },
  });
  if (tf.getGradient(FORWARD) === undefined) {
    tf.registerGradient({
      kernelName: FORWARD,
      inputsToSave: ["x", "kernel", "recurrentKernel", "bias"],
      gradFunc: (dy, saved, attrs) => {
        const [x, kernel, recurrentKernel, bias] = saved as TF.Tensor[];
        const inputs = { dy: dy as TF.Tensor, x: x!, kernel: kernel!, recurrentKernel: recurrentKernel!, bias: bias! };
        const [dx, dKernel, dRecurrent, dBias] = tf.engine().runKernel(GRADIENT, inputs, attrs) as TF.Tensor[];
        return { x: () => dx!, kernel: () => dKernel!, recurrentKernel: () => dRecurrent!, bias: () => dBias! };
      },
    });
  }
}

interface Shape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

function shapesOf(x: TF.TensorInfo, recurrentKernel: TF.TensorInfo): Shape {
  const [batch, steps, features] = x.shape as [number, number, number];
  return { batch, steps, features, units: recurrentKernel.shape[0]! };
}

interface Values {
  x: Float32Array;
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

function read(io: HostIo, x: TF.TensorInfo, kernel: TF.TensorInfo, recurrentKernel: TF.TensorInfo, bias: TF.TensorInfo): Values {
  return { x: io.read(x), kernel: io.read(kernel), recurrent: io.read(recurrentKernel), bias: io.read(bias) };
}

/** Data in and out of the backend, and its activation kernels, from a kernel function. */
interface HostIo {
  /** wasm: sums in float32; cpu: in float64 per block of 48. */
  f32Sums: boolean;
  /** The backend's matrix product (its summation order; see {@link Product}). */
  product: Product;
  /** A copy of a tensor's values (wasm views die when its memory grows). */
  read(info: TF.TensorInfo): Float32Array;
  output(shape: number[], values: Float32Array): TF.TensorInfo;
  /** The backend's kernel `name` (Sigmoid, Relu, Tanh) applied to `values`. */
  unary(name: string, values: Float32Array, shape: number[]): Float32Array;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: string): TF.TensorInfo;
  typedArrayFromHeap(info: TF.TensorInfo): Float32Array;
  disposeData(dataId: object): void;
}
interface CpuLike {
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TF.TensorInfo;
  readSync(dataId: object): Float32Array;
  disposeData(dataId: object): void;
}

function hostIo(tf: typeof TF, backendName: string, backend: unknown): HostIo {
  const wasm = backendName === "wasm";
  const w = backend as WasmLike;
  const c = backend as CpuLike;
  const read = (info: TF.TensorInfo) => (wasm ? w.typedArrayFromHeap(info) : c.readSync(info.dataId)).slice();
  const output = (shape: number[], values: Float32Array) => {
    if (!wasm) return c.makeTensorInfo(shape, "float32", values);
    const out = w.makeOutput(shape, "float32");
    w.typedArrayFromHeap(out).set(values);
    return out;
  };
  const simd = wasm ? matmulModule() : null;
  return {
    f32Sums: wasm,
    product: simd === null ? (...args) => hostProduct(wasm, ...args) : (...args) => simdProduct(simd, ...args),
    read,
    output,
    unary: (name, values, shape) => {
      const config = tf.getKernel(name, backendName);
      if (config === undefined) throw new Error(`${FORWARD}: the ${backendName} backend has no ${name} kernel`);
      const x = output(shape, values);
      const y = config.kernelFunc({ inputs: { x }, attrs: {}, backend: backend as TF.KernelBackend }) as TF.TensorInfo;
      const result = read(y);
      (backend as WasmLike).disposeData(x.dataId);
      (backend as WasmLike).disposeData(y.dataId);
      return result;
    },
  };
}

/**
 * out (M x N) = A·B, A given as M rows of K (K rows of M when `transposeA`), B as K rows of N (N rows of K when
 * `transposeB`), in the backend's order: each output summed in blocks of `block` along k, each block from 0 in
 * order and added to the output in order (block >= K: one sum from 0, XNNPACK's order).
 */
type Product = (
  M: number, K: number, N: number, a: Float32Array, transposeA: boolean, b: Float32Array, transposeB: boolean, block: number,
) => Float32Array;

/** {@link Product} in JavaScript: float32 sums (wasm's kernels) or float64 ones per block (cpu's loop). For tests too. */
export function hostProduct(
  f32: boolean, M: number, K: number, N: number,
  a: Float32Array, transposeA: boolean, b: Float32Array, transposeB: boolean, block: number,
): Float32Array {
  const fr = Math.fround;
  const [ai, ak] = transposeA ? [1, M] : [K, 1];
  const [bk, bj] = transposeB ? [1, K] : [N, 1];
  const out = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let total = 0;
      for (let k0 = 0; k0 < K; k0 += block) {
        const k1 = Math.min(K, k0 + block);
        let sum = 0;
        let aIdx = i * ai + k0 * ak;
        let bIdx = k0 * bk + j * bj;
        if (f32) {
          for (let k = k0; k < k1; k++, aIdx += ak, bIdx += bk) sum = fr(sum + fr(a[aIdx]! * b[bIdx]!));
        } else {
          for (let k = k0; k < k1; k++, aIdx += ak, bIdx += bk) sum += a[aIdx]! * b[bIdx]!;
        }
        total = fr(total + sum);
      }
      out[i * N + j] = total;
    }
  }
  return out;
}

/** {@link Product} by src/nn/matmul.c (wasm): the same float32 sums, 4 x 8 tiles in SIMD registers. For tests too. */
export function simdProduct(
  simd: MatmulModule, M: number, K: number, N: number,
  a: Float32Array, transposeA: boolean, b: Float32Array, transposeB: boolean, block: number,
): Float32Array {
  const stride = Math.ceil(N / 4) * 4;
  const memory = new ModuleMemory(simd);
  const aAt = memory.copyIn(a);
  const bRawAt = memory.copyIn(b);
  const [bAt, outAt] = memory.take(K * stride, M * N) as [number, number];
  simd.pack_panels(K, N, stride, transposeB ? 1 : 0, bRawAt, bAt);
  simd.blocked_matmul(M, K, N, stride, transposeA ? 1 : 0, Math.min(block, K), aAt, bAt, outAt);
  return memory.floats(outAt, M * N).slice();
}

/** Everything the gradient needs of the forward pass, per step t: z, its sigmoid and activation, c, act(c), h. */
interface ForwardPass {
  shape: Shape;
  z: Float32Array[];
  gates: Float32Array[];
  candidates: Float32Array[];
  c: Float32Array[];
  activeC: Float32Array[];
  h: Float32Array[];
  /** The outputs h of every step as [batch, T, units]. */
  sequence(): Float32Array;
}

/** tfjs's LSTMCell.call over the steps from zero states (layers/recurrent.ts), the same operations in float32. */
function forwardPass(io: HostIo, shape: Shape, v: Values, { activation }: LstmAttrs): ForwardPass {
  const fr = Math.fround;
  const { batch: B, steps: T, features: F, units: U } = shape;
  const G = 4 * U;
  const untransposed = io.f32Sums ? Number.MAX_SAFE_INTEGER : BLOCK; // wasm: one sum from 0 (XNNPACK's order)
  const act = (values: Float32Array, rows: number) =>
    activation === "linear" ? values : io.unary(KERNEL_OF[activation]!, values, [rows, values.length / rows]);
  const pass: ForwardPass = {
    shape, z: [], gates: [], candidates: [], c: [], activeC: [], h: [],
    sequence() {
      const out = new Float32Array(B * T * U);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(this.h[t]!.subarray(b * U, b * U + U), (b * T + t) * U);
      return out;
    },
  };
  let h = new Float32Array(B * U);
  let c = new Float32Array(B * U);
  // x·W of every step at once (rows (b, t)): each output is its own sum, as in tfjs's per-step products.
  const fromX = io.product(B * T, F, G, v.x, false, v.kernel, false, untransposed);
  for (let t = 0; t < T; t++) {
    const fromH = io.product(B, U, G, h, false, v.recurrent, false, untransposed);
    const z = new Float32Array(B * G);
    for (let b = 0; b < B; b++) {
      const row = (b * T + t) * G;
      for (let g = 0; g < G; g++) z[b * G + g] = fr(fr(fromX[row + g]! + fromH[b * G + g]!) + v.bias[g]!);
    }
    const gates = io.unary("Sigmoid", z, [B, G]);
    const candidates = act(z, B);
    const next = new Float32Array(B * U);
    for (let b = 0; b < B; b++) {
      for (let u = 0; u < U; u++) {
        const r = b * G;
        next[b * U + u] = fr(fr(gates[r + U + u]! * c[b * U + u]!) + fr(gates[r + u]! * candidates[r + 2 * U + u]!));
      }
    }
    const activeC = act(next, B);
    const nextH = new Float32Array(B * U);
    for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) nextH[b * U + u] = fr(gates[b * G + 3 * U + u]! * activeC[b * U + u]!);
    pass.z.push(z);
    pass.gates.push(gates);
    pass.candidates.push(candidates);
    pass.c.push(next);
    pass.activeC.push(activeC);
    pass.h.push(nextH);
    [h, c] = [nextH, next];
  }
  return pass;
}

/** dz of an activation from its input x, output y and dy, as tfjs's gradients compute it. */
function activationGradient(activation: Activation, x: number, y: number, dy: number): number {
  const fr = Math.fround;
  switch (activation) {
    case "relu":
      return fr(dy * (x > 0 ? 1 : 0)); // mul(dy, step(x))
    case "tanh":
      return fr(fr(1 - fr(y * y)) * dy); // mul(sub(1, square(y)), dy)
    case "sigmoid":
      return fr(dy * fr(y * fr(1 - y))); // mul(dy, mul(y, sub(1, y)))
    default:
      return dy;
  }
}

interface LstmGradients {
  dx: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
  dBias: Float32Array;
}

/** Backpropagation through time in the tape's order (the last step first), tfjs's operations in float32. */
function backwardPass(
  io: HostIo, pass: ForwardPass, v: Values, dy: Float32Array, { activation, returnSequences }: LstmAttrs,
): LstmGradients {
  const fr = Math.fround;
  const f32Sums = io.f32Sums;
  const { batch: B, steps: T, features: F, units: U } = pass.shape;
  const G = 4 * U;
  const sig = (dOut: number, y: number) => fr(dOut * fr(y * fr(1 - y)));
  const dzAll = new Float32Array(B * T * G); // rows (b, t), for dx
  const xt = new Float32Array(B * F);
  let dKernel: Float32Array | undefined;
  let dRecurrent: Float32Array | undefined;
  const dBias = new Float32Array(G);
  const zeros = new Float32Array(B * U);
  let dhNext: Float32Array | undefined; // from step t + 1's h·U
  let dcNext: Float32Array | undefined; // from step t + 1's f ⊙ c
  const accumulate = (total: Float32Array | undefined, term: Float32Array) => {
    if (total === undefined) return term;
    for (let i = 0; i < total.length; i++) total[i] = fr(total[i]! + term[i]!);
    return total;
  };
  for (let t = T - 1; t >= 0; t--) {
    const gates = pass.gates[t]!, candidates = pass.candidates[t]!, z = pass.z[t]!;
    const c = pass.c[t]!, activeC = pass.activeC[t]!;
    const cPrev = t > 0 ? pass.c[t - 1]! : zeros;
    const hPrev = t > 0 ? pass.h[t - 1]! : zeros;
    const dz = new Float32Array(B * G);
    const dcPrev = new Float32Array(B * U);
    for (let b = 0; b < B; b++) {
      for (let u = 0; u < U; u++) {
        const n = b * U + u, r = b * G;
        // dh: the layer's output gradient (every step with returnSequences, else the last) and step t + 1's.
        const fromOutput = returnSequences ? dy[(b * T + t) * U + u]! : t === T - 1 ? dy[n]! : undefined;
        const fromNext = dhNext?.[n];
        const dh = fromOutput === undefined ? fromNext! : fromNext === undefined ? fromOutput : fr(fromOutput + fromNext);
        const i = gates[r + u]!, f = gates[r + U + u]!, o = gates[r + 3 * U + u]!, a = candidates[r + 2 * U + u]!;
        const dActiveC = fr(dh * o);
        const fromH = activationGradient(activation, c[n]!, activeC[n]!, dActiveC);
        const dc = dcNext === undefined ? fromH : fr(dcNext[n]! + fromH);
        const di = fr(dc * a), da = fr(dc * i), df = fr(dc * cPrev[n]!);
        dcPrev[n] = fr(dc * f);
        dz[r + u] = sig(di, i);
        dz[r + U + u] = sig(df, f);
        dz[r + 2 * U + u] = activationGradient(activation, z[r + 2 * U + u]!, a, da);
        dz[r + 3 * U + u] = sig(fr(dh * activeC[n]!), o);
      }
    }
    // The bias gradient: Sum of dz over the batch, then added to the steps after it.
    for (let g = 0; g < G; g++) {
      let sum = 0;
      for (let b = 0; b < B; b++) sum = f32Sums ? fr(sum + dz[b * G + g]!) : sum + dz[b * G + g]!;
      dBias[g] = t === T - 1 ? fr(sum) : fr(dBias[g]! + fr(sum));
    }
    // The products' gradients (transposed operands: blocks of 48 on both backends).
    dRecurrent = accumulate(dRecurrent, io.product(U, B, G, hPrev, true, dz, false, BLOCK));
    dhNext = io.product(B, G, U, dz, false, v.recurrent, true, BLOCK);
    for (let b = 0; b < B; b++) xt.set(v.x.subarray((b * T + t) * F, (b * T + t) * F + F), b * F);
    dKernel = accumulate(dKernel, io.product(F, B, G, xt, true, dz, false, BLOCK));
    for (let b = 0; b < B; b++) dzAll.set(dz.subarray(b * G, b * G + G), (b * T + t) * G);
    dcNext = dcPrev;
  }
  // dz·Wᵀ of every step at once, rows (b, t) as x's: each output is its own sum.
  const dx = io.product(B * T, G, F, dzAll, false, v.kernel, true, BLOCK);
  return { dx, dKernel: dKernel!, dRecurrent: dRecurrent!, dBias };
}
