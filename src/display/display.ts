/**
 * `display(value)`: rich output in a tslab notebook, plain text elsewhere.
 *
 * tslab's own `display.raw()` publishes one mime type per message, so a chart
 * would arrive as several outputs. We call the kernel's `lastWriteDisplayData`
 * ourselves to publish the whole bundle as ONE display_data message, letting
 * the front end (or nbconvert) pick the richest type it supports.
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { dataFrameToHtml } from "./html-table";
import { isDisplayable, type MimeBundle } from "./mime";

/** The content of a Jupyter display_data / update_display_data message. */
interface DisplayDataContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type WriteDisplayData = (content: DisplayDataContent, update: boolean) => void;

/** tslab's kernel module, or null when tslab is not installed. */
let tslabJupyter: { lastWriteDisplayData: WriteDisplayData | null } | null | undefined;

/**
 * The kernel's writer for the cell now running, or null outside a tslab kernel.
 * Read on every call: tslab swaps the writer at each cell execution.
 */
function kernelWriter(): WriteDisplayData | null {
  if (tslabJupyter === undefined) {
    try {
      // Lazy so the library works without tslab; same module instance as the kernel's.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      tslabJupyter = require("tslab/dist/jupyter");
    } catch {
      tslabJupyter = null;
    }
  }
  return tslabJupyter?.lastWriteDisplayData ?? null;
}

/** Whether code runs inside a tslab/anomaly-lab kernel cell (rich output) rather than plain node. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * The mime bundle `display()` publishes for a value:
 * Displayable -> its own bundle; polars DataFrame/Series -> HTML table plus
 * polars' text; string -> the text itself; anything else -> `util.inspect`.
 *
 * @example
 * ```ts
 * mimeBundleOf("hello"); // { "text/plain": "hello" }
 * ```
 */
export function mimeBundleOf(value: unknown): MimeBundle {
  if (isDisplayable(value)) {
    const bundle = value.toMimeBundle();
    return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": "[rich output]" };
  }
  if (pl.DataFrame.isDataFrame(value)) {
    return { "text/html": dataFrameToHtml(value), "text/plain": value.toString() };
  }
  if (pl.Series.isSeries(value)) {
    return { "text/html": dataFrameToHtml(value.toFrame()), "text/plain": value.toString() };
  }
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": inspect(value, { depth: 4, colors: false }) };
}

/**
 * Shows a value as cell output. In a tslab notebook it publishes one
 * multi-mime display_data message; in plain node (scripts, tests) it prints the
 * text/plain form to stdout.
 *
 * @example
 * ```ts
 * display(pl.DataFrame({ a: [1, 2] }));   // HTML table in Jupyter
 * display(await histogram(values));        // chart
 * ```
 */
export function display(value: unknown): void {
  if (value instanceof Promise) {
    // Charts are built asynchronously; showing "Promise { <pending> }" would only puzzle.
    throw new TypeError("display() got a Promise; await it first, e.g. display(await histogram(values))");
  }
  publish(mimeBundleOf(value), undefined, false);
}

function publish(bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
  const write = kernelWriter();
  if (write === null) {
    process.stdout.write(`${bundle["text/plain"]}\n`);
    return;
  }
  const transient = displayId === undefined ? {} : { display_id: displayId };
  write({ data: bundle, metadata: {}, transient }, update);
}

/** An output area that can be redrawn in place; see {@link newDisplayHandle}. */
export interface DisplayHandle {
  /** The Jupyter display_id shared by every update. */
  readonly id: string;
  /** Shows `value`: the first call creates the output, later calls replace it. */
  update(value: unknown): void;
}

/**
 * Creates an output that later calls replace in place (Jupyter display_id +
 * update_display_data), e.g. for progress bars or live training curves.
 * Outside a kernel every update prints a line of text.
 *
 * @example
 * ```ts
 * const progress = newDisplayHandle();
 * for (let epoch = 1; epoch <= 10; epoch++) progress.update(`epoch ${epoch}/10`);
 * ```
 */
export function newDisplayHandle(): DisplayHandle {
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    id,
    update(value: unknown): void {
      publish(mimeBundleOf(value), id, shown);
      shown = true;
    },
  };
}
