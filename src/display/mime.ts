/**
 * The rich-display contract: a value that knows how to show itself in Jupyter.
 */

/** The content of a JSON mime type (`application/...+json`): Jupyter carries it as an object, not a string. */
export interface JsonMimeContent {
  readonly [key: string]: unknown;
}

/**
 * Mime type -> content, e.g. `{ "text/html": "<b>hi</b>", "text/plain": "hi" }`. Text types are strings;
 * JSON types such as `application/vnd.vegalite.v5+json` are objects.
 */
export type MimeBundle = Record<string, string | JsonMimeContent>;

/** The text content of one mime type of a bundle ("" when absent); throws if that type holds JSON. */
export function mimeText(bundle: MimeBundle, mime: string): string {
  const content = bundle[mime];
  if (content === undefined) return "";
  if (typeof content !== "string") throw new TypeError(`mime type ${mime} holds JSON, not text`);
  return content;
}

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
