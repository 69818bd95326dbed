/**
 * Process-wide interrupt requests. The kernel raises one when the user presses Stop (SIGINT or an
 * interrupt_request); long loops (training epochs and batches) check between steps and stop there.
 * The count lives on globalThis so that every copy of the library loaded in one process (the kernel's
 * own and a notebook's `import ... from "anomaly-lab"`) sees the same requests.
 */

const STATE_KEY = Symbol.for("anomaly-lab.interrupts");

interface InterruptState {
  count: number;
}

function interruptState(): InterruptState {
  const holder = globalThis as unknown as Record<symbol, InterruptState | undefined>;
  let state = holder[STATE_KEY];
  if (state === undefined) {
    state = { count: 0 };
    holder[STATE_KEY] = state;
  }
  return state;
}

/** Thrown by a long job that stopped because an interrupt arrived (or its AbortSignal fired). */
export class InterruptedError extends Error {
  constructor(message = "interrupted") {
    super(message);
    this.name = "InterruptedError";
  }
}

/**
 * Asks every running job to stop at its next checkpoint (the kernel calls this on interrupt).
 *
 * @example
 * ```ts
 * process.on("SIGINT", () => requestInterrupt());
 * ```
 */
export function requestInterrupt(): void {
  interruptState().count += 1;
}

/** How many interrupts this process has seen. */
export function interruptCount(): number {
  return interruptState().count;
}

/**
 * A checkpoint for one job: returns a function that throws an InterruptedError once an interrupt was
 * requested after this call, or once `signal` aborted. Call it between steps (each batch).
 *
 * @example
 * ```ts
 * const checkInterrupt = interruptCheckpoint(options.signal);
 * for (const batch of batches) {
 *   checkInterrupt(); // throws InterruptedError after Stop
 *   await step(batch);
 * }
 * ```
 */
export function interruptCheckpoint(signal?: AbortSignal): () => void {
  const start = interruptCount();
  return () => {
    if (signal?.aborted === true) throw new InterruptedError(`aborted: ${String(signal.reason ?? "signal")}`);
    if (interruptCount() !== start) throw new InterruptedError("interrupted by the user (kernel interrupt)");
  };
}
