/**
 * tfjs-backend-wasm's memory, for the kernels that work in its heap (src/nn/activation.c, and src/nn/matmul.c's
 * threads when tfjs runs its threaded build): the one-thread builds export it (`asm.memory`), the threaded build
 * imports a shared one (`wasmMemory`). A module must declare a memory shared to import a shared one, so each kernel
 * module comes in two builds (scripts/build-wasm.sh).
 */

import type { WasmMemory } from "../linalg/wasm-module";

/** The parts of tfjs-backend-wasm's Emscripten module read here. */
export interface TfjsWasmModule {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  _malloc?(bytes: number): number;
  _free?(at: number): void;
}

/** tfjs's wasm memory, or undefined where this build exposes none. */
export function tfjsMemory(wasm: TfjsWasmModule | undefined): WasmMemory | undefined {
  return wasm?.asm?.memory ?? wasm?.wasmMemory;
}

/** Whether `memory` is shared between threads (tfjs's threaded build). */
export function isSharedMemory(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
}

/** tfjs's allocator (its Emscripten module's malloc and free). */
export interface TfjsAllocator {
  _malloc(bytes: number): number;
  _free(at: number): void;
}

/** tfjs's heap when it is a shared memory (tfjs's threaded build), with its allocator. */
export interface TfjsHeap {
  memory: WasmMemory;
  allocator: TfjsAllocator;
}

/** tfjs's heap where threads can share it (its threaded build, its allocator exposed), else undefined. */
export function sharedTfjsHeap(wasm: TfjsWasmModule | undefined): TfjsHeap | undefined {
  const memory = tfjsMemory(wasm);
  if (memory === undefined || !isSharedMemory(memory) || typeof wasm?._malloc !== "function" || typeof wasm._free !== "function") return undefined;
  return { memory, allocator: wasm as TfjsAllocator };
}

/**
 * Scratch for one kernel call at a time in tfjs's heap, from its allocator (tfjs owns that memory: nothing may be
 * written where its malloc has not given us room). One arena, reused by every call; a call that needs more than it
 * holds gets extra blocks, and the next call finds the arena grown to what that call needed. Regions are 16-byte
 * aligned (SIMD loads).
 */
export class HeapScratch {
  private arena = 0;
  private arenaBytes = 0;
  private used = 0;
  private extra: number[] = [];

  constructor(private readonly allocator: TfjsAllocator) {}

  /** Starts a kernel call: every region of the last call is free again. */
  begin(): void {
    if (this.extra.length > 0) {
      for (const block of this.extra) this.allocator._free(block);
      this.extra = [];
      if (this.arena !== 0) this.allocator._free(this.arena);
      this.arenaBytes = this.used;
      this.arena = this.malloc(this.arenaBytes + 16);
    }
    this.used = 0;
  }

  /** The byte offset of a new region of `bytes` bytes (16-byte aligned) for the current call. */
  take(bytes: number): number {
    const size = Math.ceil(bytes / 16) * 16;
    const aligned = Math.ceil(this.arena / 16) * 16;
    const at = this.used + size <= this.arenaBytes ? aligned + this.used : this.extraBlock(size);
    this.used += size;
    return at;
  }

  private extraBlock(bytes: number): number {
    const block = this.malloc(bytes + 16);
    this.extra.push(block);
    return Math.ceil(block / 16) * 16;
  }

  private malloc(bytes: number): number {
    const at = this.allocator._malloc(bytes);
    if (at === 0) throw new RangeError(`tfjs's wasm heap could not give ${bytes} bytes of scratch to anomaly-lab's kernels (out of memory)`);
    return at;
  }
}
