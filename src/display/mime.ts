/**
 * The rich-display contract: a value that knows how to show itself in Jupyter.
 */

/** Mime type -> content, e.g. `{ "text/html": "<b>hi</b>", "text/plain": "hi" }`. */
export type MimeBundle = Record<string, string>;

/**
 * Any value that can render itself richly. `display()` (and later the kernel's
 * `execute_result`) publishes the bundle returned by `toMimeBundle()`.
 *
 * @example
 * ```ts
 * class Badge implements Displayable {
 *   constructor(private readonly label: string) {}
 *   toMimeBundle() {
 *     return { "text/html": `<b>${this.label}</b>`, "text/plain": this.label };
 *   }
 * }
 * display(new Badge("ok"));
 * ```
 */
export interface Displayable {
  toMimeBundle(): MimeBundle;
}

/**
 * True when `x` implements {@link Displayable} (has a `toMimeBundle` method).
 *
 * @example
 * ```ts
 * isDisplayable({ toMimeBundle: () => ({ "text/plain": "x" }) }); // true
 * isDisplayable("text"); // false
 * ```
 */
export function isDisplayable(x: unknown): x is Displayable {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { toMimeBundle?: unknown }).toMimeBundle === "function"
  );
}
