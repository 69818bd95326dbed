/**
 * The kernel's memory guard. When V8's JavaScript heap runs out, Node ends the process with a fatal error
 * that only Jupyter's server log shows, and every variable is lost. The guard watches the heap from a worker
 * thread (./heap-watchdog) and stops a cell that keeps the heap above 90% of its limit, so the cell fails
 * with an error naming the limit and the kernel lives on.
 *
 * What it cannot catch: a single allocation that jumps past the limit at once (a huge array built by one
 * native call), and synchronous code that runs after an `await` and grows the heap without ever yielding
 * (SIGINT breaks only a cell's synchronous top level; awaited work is stopped between steps). Memory outside
 * the heap (typed arrays, WebAssembly, tfjs tensors) does not count toward this limit.
 */
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import type { ErrorContent } from "./errors";

const MB = 1024 * 1024;

/** Slots of the state shared with the watchdog thread (an Int32Array over a SharedArrayBuffer). */
export const GUARD_SLOTS = { running: 0, cell: 1, baselineMB: 2, trips: 3, tripUsedMB: 4 } as const;

/** What the watchdog thread gets as workerData. */
export interface WatchdogData {
  state: SharedArrayBuffer;
  limitBytes: number;
  pollMs: number;
  holdMs: number;
}

/** The heap limit the guard works against. */
export interface HeapLimit {
  /** The old-generation limit in MB: where V8 gives up with "JavaScript heap out of memory". */
  mb: number;
  /** Where it comes from: the --max-old-space-size flag, or V8's own default for this machine. */
  source: "--max-old-space-size" | "V8 default";
}

function flagValue(args: readonly string[]): number | undefined {
  let value: number | undefined;
  args.forEach((arg, index) => {
    const match = /^--max[-_]old[-_]space[-_]size(?:=(\d+))?$/.exec(arg);
    if (match === null) return;
    const text = match[1] ?? args[index + 1];
    if (text !== undefined && /^\d+$/.test(text)) value = Number(text); // the last one wins, as in V8
  });
  return value;
}

/**
 * The JavaScript heap limit of this process: --max-old-space-size from the command line (which wins) or
 * NODE_OPTIONS, else V8's default (its heap_size_limit less the young generation, 3 x 16 MB on 64-bit).
 *
 * @example
 * ```ts
 * heapLimit(); // { mb: 12053, source: "--max-old-space-size" } under the kernelspec's node flags
 * ```
 */
export function heapLimit(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): HeapLimit {
  const flag = flagValue(execArgv) ?? flagValue(nodeOptions.split(/\s+/).filter(Boolean));
  if (flag !== undefined) return { mb: flag, source: "--max-old-space-size" };
  return { mb: Math.round(v8.getHeapStatistics().heap_size_limit / MB) - 48, source: "V8 default" };
}

/** Error content for a cell the guard stopped. */
export function heapLimitErrorContent(usedMB: number, limit: HeapLimit): ErrorContent {
  const evalue =
    `the cell was stopped: the JavaScript heap reached ${usedMB} MB of its ${limit.mb} MB limit ` +
    `(node --max-old-space-size=${limit.mb}${limit.source === "V8 default" ? ", V8's default here" : ""}), ` +
    "where the kernel would have crashed. Free what you no longer need (set large arrays and DataFrames to null), " +
    "work on the data in chunks, or restart the kernel. Typed arrays (Float64Array) do not count toward this limit.";
  return { ename: "HeapLimitError", evalue, traceback: [`HeapLimitError: ${evalue}`] };
}

/** Options of {@link HeapGuard.start}. */
export interface HeapGuardOptions {
  limit?: HeapLimit;
  /** How often the watchdog reads the heap use (default 50 ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

/** The kernel's side of the guard: tells the watchdog when cells run, and learns whether it stopped one. */
export class HeapGuard {
  private readonly slots: Int32Array;
  private tripsAtCellStart = 0;

  private constructor(
    readonly limit: HeapLimit,
    state: SharedArrayBuffer,
    private readonly worker: Worker,
  ) {
    this.slots = new Int32Array(state);
  }

  /**
   * Starts the watchdog thread; undefined (and a line in the kernel log) where it cannot run.
   *
   * @example
   * ```ts
   * const guard = HeapGuard.start({ log: kernelLog });
   * guard?.cellStarted(); // ... run the cell ...
   * guard?.stoppedCellError(); // the cell's HeapLimitError if the guard stopped it, else undefined
   * guard?.cellEnded();
   * ```
   */
  static start(options: HeapGuardOptions = {}): HeapGuard | undefined {
    const log = options.log ?? (() => {});
    const limit = options.limit ?? heapLimit();
    const script = path.join(__dirname, `heap-watchdog${path.extname(__filename)}`);
    if (!fs.existsSync(script)) {
      log(`anomaly-lab kernel: the memory guard is off (${script} is missing)`);
      return undefined;
    }
    const state = new SharedArrayBuffer(Object.keys(GUARD_SLOTS).length * Int32Array.BYTES_PER_ELEMENT);
    const pollMs = options.pollMs ?? 50;
    // Long enough for V8 to collect garbage at this heap size, short of the seconds its last GCs take.
    const holdMs = Math.min(Math.max(limit.mb * 0.25, 200), 2000);
    const data: WatchdogData = { state, limitBytes: limit.mb * MB, pollMs, holdMs };
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: data });
    } catch (error) {
      log(`anomaly-lab kernel: the memory guard is off: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    worker.unref(); // never keeps a shut-down kernel alive
    worker.on("error", (error) => log(`anomaly-lab kernel: the memory guard stopped: ${error.message}`));
    return new HeapGuard(limit, state, worker);
  }

  /** A cell starts: the watchdog may stop it from now on if it grows the heap near the limit. */
  cellStarted(): void {
    this.tripsAtCellStart = Atomics.load(this.slots, GUARD_SLOTS.trips);
    Atomics.store(this.slots, GUARD_SLOTS.baselineMB, Math.round(v8.getHeapStatistics().used_heap_size / MB));
    Atomics.add(this.slots, GUARD_SLOTS.cell, 1);
    Atomics.store(this.slots, GUARD_SLOTS.running, 1);
  }

  /** The error of the running cell if the guard stopped it (naming the heap use and the limit), else undefined. */
  stoppedCellError(): ErrorContent | undefined {
    if (Atomics.load(this.slots, GUARD_SLOTS.trips) === this.tripsAtCellStart) return undefined;
    return heapLimitErrorContent(Atomics.load(this.slots, GUARD_SLOTS.tripUsedMB), this.limit);
  }

  /** The cell ended: the watchdog leaves the heap alone until the next cell. */
  cellEnded(): void {
    Atomics.store(this.slots, GUARD_SLOTS.running, 0);
  }

  /** Stops the watchdog (at shutdown: its inspector session would make Node wait for "the debugger" at exit). */
  stop(): void {
    void this.worker.terminate();
  }
}
