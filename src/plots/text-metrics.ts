/**
 * Text widths for headless rendering. Without a canvas, vega guesses every
 * character at 0.8 em, about 50% too wide for Helvetica/Arial: labels get cut
 * with "…" and axes get needless padding. We give vega per-character widths
 * instead, through its supported `textMetrics.width` hook (as vl-convert does).
 */

/** Helvetica/Arial advance widths in 1/1000 em (Adobe's Helvetica AFM; Arial matches). */
const WIDTH_GROUPS: ReadonlyArray<readonly [string, number]> = [
  ["'", 191],
  ["ijl", 222],
  ["|", 260],
  [" !,./:;I[\\]ft", 278],
  ["()-`r", 333],
  ["{}", 334],
  ['"', 355],
  ["*", 389],
  ["^", 469],
  ["Jcksvxyz", 500],
  ["#$0123456789?_Labdeghnopqu", 556],
  ["+<=>~", 584],
  ["FTZ", 611],
  ["&ABEKPSVXY", 667],
  ["CDHNRUw", 722],
  ["GOQ", 778],
  ["Mm", 833],
  ["%", 889],
  ["W", 944],
  ["@", 1015],
];

const CHAR_WIDTH = new Map<string, number>(
  WIDTH_GROUPS.flatMap(([chars, width]) => [...chars].map((char) => [char, width] as const)),
);

/** Width of any character not listed (accented letters, symbols): an average glyph. */
const DEFAULT_WIDTH = 556;

/**
 * Approximate rendered width in pixels of `text` in Helvetica/Arial.
 * Bold text is about 7% wider.
 */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const char of text) units += CHAR_WIDTH.get(char) ?? DEFAULT_WIDTH;
  return (units / 1000) * fontSize * (bold ? 1.07 : 1);
}

/** The fields of a vega text item that affect its width. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

function isBold(weight: number | string | undefined): boolean {
  return weight === "bold" || weight === "bolder" || Number(weight) >= 600;
}

/**
 * A `textMetrics.width(item, text)` replacement for vega. The result is capped
 * at the item's `limit`, since vega draws longer text truncated to it.
 */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const value = text === null || text === undefined ? "" : String(text).trim();
  const fontSize = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
  const width = estimateTextWidth(value, fontSize, isBold(item.fontWeight));
  const limit = Number(item.limit);
  return limit > 0 ? Math.min(width, limit) : width;
}
