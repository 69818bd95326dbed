/**
 * An integer vector printed exactly as numpy's `print(array)` shows it: values right-aligned to a
 * common width, separated by a space, wrapped at 75 characters with a one-space hanging indent, and
 * summarised as `[a b c ... x y z]` above 1000 values. Handy for reproducing a Python tutorial's output.
 *
 * @example formatLikeNumpy([-1, 1, 1]); // "[-1  1  1]"
 */
export function formatLikeNumpy(values: ArrayLike<number>): string {
  const all = Array.from(values);
  all.forEach((value, i) => {
    if (!Number.isSafeInteger(value)) throw new TypeError(`formatLikeNumpy: values[${i}] is ${value}; only integer vectors are supported`);
  });
  const LINE_WIDTH = 75;
  const EDGE_ITEMS = 3;
  const summarised = all.length > 1000;
  const shown = summarised ? [...all.slice(0, EDGE_ITEMS), ...all.slice(-EDGE_ITEMS)] : all;
  const width = Math.max(0, ...shown.map((value) => String(value).length));
  const words = shown.map((value) => String(value).padStart(width));
  if (summarised) words.splice(EDGE_ITEMS, 0, "...");
  // numpy's _formatArray: each word must fit in the line width less the closing bracket.
  const elementWidth = LINE_WIDTH - 1;
  const indent = " ";
  let text = "";
  let line = indent;
  words.forEach((word, i) => {
    if (line.length + word.length > elementWidth && line.length > indent.length) {
      text += line.trimEnd() + "\n";
      line = indent;
    }
    line += word;
    if (i < words.length - 1) line += " ";
  });
  text += line;
  return "[" + text.slice(indent.length) + "]";
}
