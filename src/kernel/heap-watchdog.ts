/**
 * The heap watchdog's worker thread (started by ./heap-guard). It reads the kernel's heap use through the
 * inspector protocol, which V8 answers between two JavaScript steps even while a cell runs a synchronous
 * loop, and when a running cell keeps the heap near its limit it records a trip and sends the kernel
 * SIGINT: that breaks the cell's synchronous code (tslab runs cells with breakOnSigint) and the kernel's
 * interrupt handler stops its awaited work, before V8 would end the whole process with a fatal OOM.
 */
import { Session } from "node:inspector";
import { workerData } from "node:worker_threads";
import { GUARD_SLOTS, type WatchdogData } from "./heap-guard";

const { state, limitBytes, pollMs, holdMs } = workerData as WatchdogData;
const slots = new Int32Array(state);
const MB = 1024 * 1024;

const session = new Session();
session.connectToMainThread();

/** The heap use that trips the guard for a cell that started with `baselineBytes` in use. */
function tripLevel(baselineBytes: number): number {
  // Near the limit, and grown during this cell: a cell that starts with a full heap (kept by earlier
  // cells) and does not grow it, e.g. one that frees memory, must not be stopped.
  return Math.min(Math.max(0.9 * limitBytes, baselineBytes + 0.02 * limitBytes), 0.99 * limitBytes);
}

let watchedCell = -1;
let armed = false;
let overSince: number | undefined;

/** Judges one reading of the heap use, taken while cell `cell` ran. */
function judge(cell: number, used: number): void {
  if (!armed || cell !== watchedCell || Atomics.load(slots, GUARD_SLOTS.running) !== 1) return;
  if (used < tripLevel(Atomics.load(slots, GUARD_SLOTS.baselineMB) * MB)) {
    overSince = undefined; // garbage collected: it was not live data
    return;
  }
  overSince ??= Date.now();
  if (Date.now() - overSince < holdMs) return; // still full after V8 had time to collect garbage
  armed = false;
  Atomics.store(slots, GUARD_SLOTS.tripUsedMB, Math.round(used / MB));
  Atomics.add(slots, GUARD_SLOTS.trips, 1);
  process.kill(process.pid, "SIGINT");
}

// One request per tick, never waiting for the previous answer: while the kernel runs JavaScript, an answer
// can stay pending until the next request arrives.
setInterval(() => {
  const cell = Atomics.load(slots, GUARD_SLOTS.cell);
  if (cell !== watchedCell) [watchedCell, armed, overSince] = [cell, true, undefined]; // one trip per cell
  if (!armed || Atomics.load(slots, GUARD_SLOTS.running) !== 1) {
    overSince = undefined;
    return;
  }
  session.post("Runtime.getHeapUsage", (error, result) => {
    if (error === null) judge(cell, (result as { usedSize: number }).usedSize);
  });
}, pollMs);
