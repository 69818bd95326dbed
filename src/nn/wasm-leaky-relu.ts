/**
 * LeakyReLU on the wasm backend in SIMD, forward and gradient (the 2-D convolutional autoencoder's four
 * LeakyReLU(0.2) layers): tfjs-backend-wasm 4.22's LeakyRelu is a scalar loop, and tfjs-core's gradient three
 * kernels (Greater, Multiply, Select; see leaky-relu-gradient.ts). src/nn/activation.c does each in one pass,
 * four floats at a time, and works in tfjs's own heap: the module imports tfjs-backend-wasm's memory, so x, dy
 * and the output are tfjs's tensors, nothing is copied.
 *
 * The same bits as tfjs's:
 * - forward: x < 0 ? alpha · x : x, alpha as a float32 (NaN, -0 and +0 pass through as they are);
 * - gradient: x > 0 ? dy : dy · alpha (x NaN, -0, +0: dy · alpha), as tfjs-core's where(greater(x, 0), dy,
 *   mul(dy, alpha)).
 *
 * Registered when the wasm backend starts (src/nn/tf.ts), over tfjs's one-thread builds' memory or its threaded
 * build's shared one (activation.c built for each: src/nn/tfjs-heap.ts). Where the products' threads work in tfjs's
 * heap, tensors of 2^18 floats or more (SPLIT_MIN_FLOATS) are split over them (matmul.c includes activation.c's
 * functions as jobs). tfjs's LeakyRelu is kept for dtypes other than float32 and as the tests' oracle
 * (test/nn-leaky-relu.test.ts).
 */
import type * as TF from "@tensorflow/tfjs";
import { activationModuleOver as moduleOver, type HeapBackend, threadsOver } from "./activation-module";
import { WasmKernelOverride } from "./kernel-override";
import { LEAKY_RELU_GRADIENT, registerLeakyReluGradient, withTfjsLeakyReluGradient } from "./leaky-relu-gradient";
import { runJob } from "./matmul-threads";

const FORWARD = "LeakyRelu";

interface LeakyReluAttrs {
  alpha: number;
}

const override = new WasmKernelOverride();

/** Puts the SIMD LeakyRelu in front of tfjs's wasm kernel and registers the one-kernel gradient (once). */
export function registerWasmLeakyRelu(tf: typeof TF): void {
  if (override.active) return;
  const backend = tf.findBackend("wasm") as unknown as HeapBackend | undefined;
  if (backend === undefined || moduleOver(backend) === null) return;
  override.replace(tf, FORWARD, (original) => (args) => {
    const { x } = args.inputs as { x: TF.TensorInfo };
    const heap = args.backend as unknown as HeapBackend;
    const simd = moduleOver(heap);
    if (x.dtype !== "float32" || simd === null) return original.kernelFunc(args);
    const out = heap.makeOutput(x.shape, "float32");
    const size = sizeOf(x);
    const { alpha } = args.attrs as unknown as LeakyReluAttrs;
    const [xAt, outAt] = [x, out].map((info) => heap.getMemoryOffset(info.dataId)) as [number, number];
    const threads = threadsOver(heap, size);
    if (threads !== undefined) runJob(threads, "leaky_relu_rows", Math.ceil(size / ROW), 2, [xAt, outAt, size, float32Bits(alpha)]);
    else if (size > 0) simd.leaky_relu(xAt, outAt, size, alpha);
    return out;
  });
  if (tf.getKernel(LEAKY_RELU_GRADIENT, "wasm") === undefined) {
    tf.registerKernel({
      kernelName: LEAKY_RELU_GRADIENT,
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend: kernelBackend }) => {
        const { x, dy } = inputs as { x: TF.TensorInfo; dy: TF.TensorInfo };
        const heap = kernelBackend as unknown as HeapBackend;
        const simd = moduleOver(heap);
        if (simd === null) throw new Error(`${LEAKY_RELU_GRADIENT}: activation.c cannot import this wasm backend's memory`);
        const dx = heap.makeOutput(x.shape, "float32");
        const size = sizeOf(x);
        const { alpha } = attrs as unknown as LeakyReluAttrs;
        const [xAt, dyAt, dxAt] = [x, dy, dx].map((info) => heap.getMemoryOffset(info.dataId)) as [number, number, number];
        const threads = threadsOver(heap, size);
        if (threads !== undefined) runJob(threads, "leaky_relu_grad_rows", Math.ceil(size / ROW), 2, [xAt, dyAt, dxAt, size, float32Bits(alpha)]);
        else if (size > 0) simd.leaky_relu_grad(xAt, dyAt, dxAt, size, alpha);
        return dx;
      },
    });
  }
  registerLeakyReluGradient(tf);
}

/** Floats per row of matmul.c's leaky_relu_rows jobs (its ACTIVATION_ROW). */
const ROW = 4096;

function float32Bits(value: number): number {
  return new Int32Array(Float32Array.of(value).buffer)[0]!;
}

/**
 * Runs `f` (a whole fit) with tfjs's own LeakyRelu kernel and tfjs-core's gradient in place, then puts ours back:
 * the tests' oracle.
 */
export async function withTfjsLeakyRelu<T>(tf: typeof TF, f: () => Promise<T>): Promise<T> {
  return override.withTfjsWhile(tf, () => withTfjsLeakyReluGradient(tf, f));
}

function sizeOf(info: TF.TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}
