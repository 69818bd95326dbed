// The shapes the convolution kernels (src/nn/wasm-conv2d.ts) and their memory (src/nn/matmul-memory.ts) share.

/** A convolution's shape: input [n, h, w, c], filter [kh, kw, c, outChannels], output [n, oh, ow, outChannels]. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  outChannels: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  /** Padding rows above and columns left of the input (may be negative: the convolution starts inside it). */
  top: number;
  left: number;
}

/** Where a phase of a strided convolution's input gradient goes: every stride-th pixel of an image in memory. */
export interface PhaseTarget {
  /** The image (n x h x w pixels of outChannels floats) in matmul.c's memory. */
  at: number;
  h: number;
  w: number;
  /** The phase's first pixel and the strides between its pixels. */
  py: number;
  px: number;
  sy: number;
  sx: number;
}
