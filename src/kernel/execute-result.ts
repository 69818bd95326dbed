/**
 * The rich representation of a cell's last expression, as an execute_result's data:
 * a Displayable's own bundle (sync or async `toMimeBundle()`), an HTML table for polars
 * DataFrames/Series (from src/display), otherwise text/plain like Node's REPL prints it.
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { isDisplayable, mimeBundleOf as displayMimeBundle } from "../display";

/** Mime type -> content; JSON mime types (application/json, *+json) may hold objects. */
export type MimeData = Record<string, unknown>;

const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * Checks a bundle returned by `toMimeBundle()` and normalizes binary content to base64,
 * as Jupyter expects for image/png and friends.
 *
 * @example
 * ```ts
 * normalizeMimeBundle({ "image/png": new Uint8Array([137, 80]) }); // { "image/png": "iVA=" }
 * normalizeMimeBundle({ html: "<b>" }); // throws: "html" is not a mime type
 * ```
 */
export function normalizeMimeBundle(bundle: unknown): MimeData {
  if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) {
    throw new TypeError(`toMimeBundle() must return an object of mime type -> content, got ${describe(bundle)}`);
  }
  const data: MimeData = {};
  for (const [mime, content] of Object.entries(bundle)) {
    if (!MIME_TYPE.test(mime)) {
      throw new TypeError(`toMimeBundle() returned key "${mime}", which is not a mime type like "text/html"`);
    }
    if (typeof content === "string") data[mime] = content;
    else if (content instanceof Uint8Array) data[mime] = Buffer.from(content).toString("base64");
    else if (isJsonMime(mime) && content !== undefined) data[mime] = content;
    else {
      throw new TypeError(`toMimeBundle() returned ${describe(content)} for "${mime}"; expected a string`);
    }
  }
  return data;
}

/**
 * True for a module's exports (`import * as lab from "anomaly-lab"; lab`): its `toMimeBundle`
 * export is a library function, not the value's own display method.
 */
function isModuleNamespace(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    ((value as { __esModule?: unknown }).__esModule === true || (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "Module")
  );
}

/**
 * The execute_result data for a cell's value, or undefined when there is nothing to show.
 * Rejects (with the reason) when a value's `toMimeBundle()` throws or returns a malformed bundle.
 *
 * @example
 * ```ts
 * await executeResultData(42);        // { "text/plain": "42" }
 * await executeResultData("ab");      // { "text/plain": "'ab'" }
 * await executeResultData(undefined); // undefined
 * ```
 */
export async function executeResultData(value: unknown): Promise<MimeData | undefined> {
  if (value === undefined) return undefined;
  if (isDisplayable(value) && !isModuleNamespace(value)) {
    // Typed as sync by the library contract, but an async toMimeBundle() is worth awaiting.
    const data = normalizeMimeBundle(await (value.toMimeBundle() as unknown));
    return "text/plain" in data ? data : { ...data, "text/plain": "[rich output]" };
  }
  if (pl.DataFrame.isDataFrame(value) || pl.Series.isSeries(value)) return displayMimeBundle(value);
  return { "text/plain": inspect(value) };
}
