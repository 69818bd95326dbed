/**
 * The IOPub channel of the cell now running, for output that tslab's display writer cannot
 * send (it only knows display_data / update_display_data): clear_output, and the kernel's own
 * execute_input / execute_result / error messages.
 *
 * The channel lives on `globalThis` under a registered symbol so every copy of this module in
 * the kernel process (the kernel's, the notebook's `import "anomaly-lab"`) sees the same one.
 * Like tslab's writer it stays set after the cell ends, so late async output lands in that cell.
 */

/** Publishes one IOPub message, parented to the current execute_request. */
export type PublishIopub = (msgType: string, content: object) => void;

const CHANNEL = Symbol.for("anomaly-lab.kernel.iopub");

type GlobalWithChannel = typeof globalThis & { [CHANNEL]?: PublishIopub | null };

/** Makes `publish` the channel of the running cell (the kernel calls this as each cell starts). */
export function setCellPublisher(publish: PublishIopub | null): void {
  (globalThis as GlobalWithChannel)[CHANNEL] = publish;
}

/** The running cell's channel, or null outside the anomaly-lab kernel. */
export function cellPublisher(): PublishIopub | null {
  return (globalThis as GlobalWithChannel)[CHANNEL] ?? null;
}

/** True when running inside a tslab-based kernel (tslab's display writer is set). */
function insideTslabKernel(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown }).lastWriteDisplayData != null;
  } catch {
    return false;
  }
}

/** Options of {@link clearOutput}. */
export interface ClearOutputOptions {
  /** Wait until the next output arrives before clearing (no flicker in loops). Default false. */
  wait?: boolean;
}

/**
 * Clears the output of the running cell (Jupyter clear_output). With `wait: true` the front
 * end clears only when the next output arrives, which makes a redraw loop flicker-free.
 * Outside any kernel (plain node scripts) it does nothing; under plain tslab, which cannot
 * send clear_output, it throws.
 *
 * @example
 * ```ts
 * for (let epoch = 1; epoch <= 5; epoch++) {
 *   clearOutput({ wait: true });
 *   console.log(`epoch ${epoch}/5`);
 * }
 * ```
 */
export function clearOutput(options: ClearOutputOptions = {}): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`clearOutput: options must be an object like { wait: true }, got ${String(options)}`);
  }
  if (options.wait !== undefined && typeof options.wait !== "boolean") {
    throw new TypeError(`clearOutput: wait must be a boolean, got ${JSON.stringify(options.wait)}`);
  }
  const publish = cellPublisher();
  if (publish === null) {
    if (insideTslabKernel()) {
      throw new Error(
        'clearOutput: this kernel (plain tslab) cannot clear output; select the "TypeScript (anomaly-lab)" kernel ' +
          "(bin/anomaly-lab-kernel.js)",
      );
    }
    return;
  }
  publish("clear_output", { wait: options.wait ?? false });
}
