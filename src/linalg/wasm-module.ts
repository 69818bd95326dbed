/**
 * The WebAssembly plumbing shared by the compiled C modules (dense-kernels.ts, src/neighbors/brute-force-wasm.ts):
 * compiling a base64 module once per thread, instantiating it, laying arrays out in its memory and growing it.
 */

/** The part of the WebAssembly JS API used here (the project's `lib` settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** A module's linear memory (its buffer a SharedArrayBuffer where the memory is shared between threads). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

const compiled = new Map<string, object | null>();

/**
 * A fresh instance of the module in `base64` (compiled on first use, then reused), or null where this runtime
 * has no WebAssembly or no SIMD (compiling throws). `imports`: what the module imports (e.g. `{ env: { memory } }`
 * for a module built over another's memory); instantiating throws when they do not fit it.
 */
export function instantiate(base64: string, imports: object = {}): Record<string, unknown> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  if (!compiled.has(base64)) {
    try {
      compiled.set(base64, new wasm.Module(Buffer.from(base64, "base64")));
    } catch {
      compiled.set(base64, null);
    }
  }
  const module = compiled.get(base64);
  return module === null || module === undefined ? null : new wasm.Instance(module, imports).exports;
}

/** A float64 view of `memory`, grown first to at least `bytes` (views taken before a growth are detached). */
export function heapOf(memory: WasmMemory, bytes: number): Float64Array {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  return new Float64Array(memory.buffer);
}

/** Byte offsets of consecutive arrays from `start`, each 16-byte aligned (SIMD loads). */
export class Layout {
  private next: number;
  constructor(start: number) {
    this.next = start;
  }
  take(bytes: number): number {
    const offset = this.next;
    this.next += Math.ceil(bytes / 16) * 16;
    return offset;
  }
  get end(): number {
    return this.next;
  }
}
