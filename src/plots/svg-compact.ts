/**
 * Compacting the SVG that vega writes, without changing what it draws. vega spends about 300 bytes on
 * each point of a scatter plot: an ARIA description of the datum, coordinates to 16 digits, and the
 * symbol's outline spelled out again for every point. A chart with a thousand points then weighs 300 KB,
 * twice over in an executed notebook (the SVG and its base64 copy in the HTML form). Here:
 *
 * - the per-mark ARIA attributes go (`aria-label`, `role`, `aria-roledescription` on the data marks): the
 *   SVG is shown as an `<img>`, whose `alt` text is what assistive technology reads, never its insides;
 *   axes, legends and the title keep theirs;
 * - geometry is rounded to 1/100 px (`transform`, `d` and positions), far below what a screen shows;
 * - an outline drawn three times or more is defined once and placed with `<use>`, which draws exactly the
 *   same shape (its fill, stroke and opacity come from the `<use>`, as they came from the path);
 * - neighbouring marks and labels with the same paint or font get it from one wrapping `<g>` (those
 *   properties inherit), and `opacity="1"` (the initial value, not inherited) goes.
 */
import { createHash } from "node:crypto";

/** Decimals kept in geometry: 1/1000 px (at 1/100, arcs whose radius and end points round apart draw visibly different circles). */
export const GEOMETRY_DECIMALS = 3;
/** An outline is shared through `<use>` when drawn at least this often. */
const MIN_REPEATS = 3;
/** Shorter outlines are not worth a reference (`<use xlink:href="#m-xxxxxxxx"/>` costs 30 bytes). */
const MIN_OUTLINE_LENGTH = 24;

const START_TAG = /<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
const ATTRIBUTE = /\s+([\w:-]+)="([^"]*)"/g;
const NUMBER = /-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?/g;
const GEOMETRY_ATTRIBUTES = new Set(["transform", "d", "x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r"]);
const MARK_ARIA_ATTRIBUTES = new Set(["aria-label", "role", "aria-roledescription"]);

/** `value` rounded to `decimals` places, written as short as possible ("0.5", "-3", "12.34"). */
export function formatRounded(value: number, decimals: number = GEOMETRY_DECIMALS): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/** Every number in an attribute value rounded (integers are left as written). */
function roundNumbers(value: string, decimals: number): string {
  return value.replace(NUMBER, (text) => (/[.eE]/.test(text) ? formatRounded(Number(text), decimals) : text));
}

const POLYLINE = /^M[-\d.,Ll M]+Z?$/;

/**
 * A polyline path ("M x,y L x,y L x,y ...", as vega writes lines and areas) in relative form with the
 * numbers joined by their signs ("M0,137.14l.57,-3.06.57,10.82"): about half the bytes. Each step is
 * the difference of two coordinates already rounded to `decimals`, computed in whole units of the last
 * decimal, so every vertex lands exactly where the rounded absolute path put it. Other paths are
 * returned unchanged.
 *
 * @example relativePolyline("M0,137.14L0.57,134.08L1.14,144.9", 2); // "M0,137.14l.57,-3.06.57,10.82"
 */
export function relativePolyline(d: string, decimals: number): string {
  if (!POLYLINE.test(d)) return d;
  const closed = d.endsWith("Z");
  const commands = (closed ? d.slice(0, -1) : d).split(/(?=[ML])/);
  const unit = 10 ** decimals;
  const out: string[] = [];
  let previous: [number, number] | null = null;
  let inLine = false;
  for (const command of commands) {
    const numbers = command.slice(1).split(/[\s,]+/).filter((t) => t !== "").map(Number);
    if (numbers.length !== 2 || !numbers.every(Number.isFinite)) return d;
    const point: [number, number] = [Math.round(numbers[0]! * unit), Math.round(numbers[1]! * unit)];
    if (command[0] === "M" || previous === null) {
      out.push(`M${fixed(point[0], decimals)},${fixed(point[1], decimals)}`);
      inLine = false;
    } else {
      const dx = fixed(point[0] - previous[0], decimals);
      const dy = fixed(point[1] - previous[1], decimals);
      out.push(`${inLine ? (dx.startsWith("-") ? "" : " ") : "l"}${dx}${dy.startsWith("-") ? "" : ","}${dy}`);
      inLine = true;
    }
    previous = point;
  }
  return out.join("") + (closed ? "Z" : "");
}

/** An integer count of 10^-decimals units written as a short decimal: 57 -> ".57", -306 -> "-3.06", 1400 -> "14". */
function fixed(units: number, decimals: number): string {
  const sign = units < 0 ? "-" : "";
  const digits = String(Math.abs(units)).padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  if (fraction === "") return `${sign}${whole}`;
  return `${sign}${whole === "0" ? "" : whole}.${fraction}`;
}

/** Options of {@link compactSvg}. */
export interface CompactSvgOptions {
  /** Decimals kept in geometry (default {@link GEOMETRY_DECIMALS}); `null` keeps every number as written. */
  decimals?: number | null;
}

interface Tag {
  name: string;
  attributes: Array<[string, string]>;
  selfClosing: boolean;
}

function parseAttributes(text: string): Array<[string, string]> {
  return Array.from(text.matchAll(ATTRIBUTE), (m) => [m[1]!, m[2]!] as [string, string]);
}

function writeTag(tag: Tag): string {
  const attributes = tag.attributes.map(([name, value]) => ` ${name}="${value}"`).join("");
  return `<${tag.name}${attributes}${tag.selfClosing ? "/" : ""}>`;
}

/** The id of a shared outline: from its content, so equal outlines get equal ids in any document. */
function outlineId(d: string): string {
  return `m-${createHash("sha1").update(d).digest("hex").slice(0, 8)}`;
}

/**
 * The SVG with the same picture in fewer bytes (see the module comment). Input is vega's `toSVG()`
 * output: one root `<svg>` with double-quoted attributes.
 *
 * @example compactSvg(await renderVegaLiteSvg(spec)).length; // a third of the input for a scatter plot
 */
export function compactSvg(svg: string, options: CompactSvgOptions = {}): string {
  const decimals = options.decimals === undefined ? GEOMETRY_DECIMALS : options.decimals;
  if (decimals !== null && !(Number.isInteger(decimals) && decimals >= 0 && decimals <= 12)) {
    throw new RangeError(`compactSvg: decimals must be an integer in [0, 12] or null, got ${String(decimals)}`);
  }
  const tags: Array<{ start: number; end: number; tag: Tag }> = [];
  for (const match of svg.matchAll(START_TAG)) {
    tags.push({
      start: match.index!,
      end: match.index! + match[0].length,
      tag: { name: match[1]!, attributes: parseAttributes(match[2] ?? ""), selfClosing: match[3] === "/" },
    });
  }
  if (tags.length === 0 || tags[0]!.tag.name !== "svg") return svg;
  const root = tags[0]!.tag;
  const hrefName = root.attributes.some(([name]) => name === "xmlns:xlink") ? "xlink:href" : "href";

  for (const { tag } of tags.slice(1)) {
    // Data marks are shapes; axes, legends and titles are <g> groups with the same role, and keep their ARIA.
    const isDataMark = tag.name !== "g" && tag.attributes.some(([name, value]) => name === "role" && value === "graphics-symbol");
    tag.attributes = tag.attributes
      .filter(([name]) => !(isDataMark && MARK_ARIA_ATTRIBUTES.has(name)))
      // opacity does not inherit and 1 is its initial value: opacity="1" draws as no attribute at all.
      .filter(([name, value]) => !(name === "opacity" && value === "1"))
      .map(([name, value]) => [name, decimals !== null && GEOMETRY_ATTRIBUTES.has(name) ? roundNumbers(value, decimals) : value])
      .map(([name, value]) => [name, name === "d" && decimals !== null ? relativePolyline(value, decimals) : value]);
  }

  // Outlines drawn often enough (point symbols): one <path> in <defs>, a <use> per mark.
  // Clip paths keep their own <path>s: only plain drawn marks become <use>.
  const clipRanges = Array.from(svg.matchAll(/<clipPath\b[\s\S]*?<\/clipPath>/g), (m) => [m.index!, m.index! + m[0].length]);
  const shareable = (entry: { start: number; tag: Tag }): boolean =>
    entry.tag.name === "path" && entry.tag.selfClosing && !entry.tag.attributes.some(([name]) => name === "id") &&
    !clipRanges.some(([from, to]) => entry.start >= from! && entry.start < to!);
  const counts = new Map<string, number>();
  for (const entry of tags) {
    const { tag } = entry;
    if (!shareable(entry)) continue;
    const d = tag.attributes.find(([name]) => name === "d")?.[1];
    if (d !== undefined && d.length >= MIN_OUTLINE_LENGTH) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const shared = new Map<string, string>();
  for (const [d, count] of counts) if (count >= MIN_REPEATS) shared.set(d, outlineId(d));
  for (const entry of tags) {
    const { tag } = entry;
    if (!shareable(entry)) continue;
    const d = tag.attributes.find(([name]) => name === "d")?.[1];
    const id = d === undefined ? undefined : shared.get(d);
    if (id === undefined) continue;
    tag.name = "use";
    tag.attributes = [[hrefName, `#${id}`], ...tag.attributes.filter(([name]) => name !== "d").flatMap(useTranslate)];
  }

  // Neighbouring marks with the same paint or font share it through a wrapping <g> (these properties
  // inherit; opacity does not, so it stays on each mark).
  const opens = new Map<number, string>();
  const closes = new Map<number, number>();
  const elementEnd = tags.map(({ end, tag }) => elementEndOf(svg, end, tag));
  const startIndex = new Map(tags.map(({ start }, index) => [start, index]));
  for (let i = 1; i < tags.length; ) {
    const key = elementEnd[i]! >= 0 ? inheritedKey(tags[i]!.tag) : "";
    let j = i;
    for (let next = startIndex.get(elementEnd[j]!); key !== "" && next !== undefined && elementEnd[next]! >= 0 && inheritedKey(tags[next]!.tag) === key; next = startIndex.get(elementEnd[j]!)) {
      j = next;
    }
    if (j === i) {
      i++;
      continue;
    }
    opens.set(tags[i]!.start, `<g${key}>`);
    closes.set(elementEnd[j]!, (closes.get(elementEnd[j]!) ?? 0) + 1);
    for (let k = i; k <= j; k = startIndex.get(elementEnd[k]!) ?? j + 1) {
      tags[k]!.tag.attributes = tags[k]!.tag.attributes.filter(([name]) => !INHERITED.has(name));
    }
    const after = startIndex.get(elementEnd[j]!);
    i = after ?? tags.findIndex(({ start }) => start >= elementEnd[j]!);
    if (i < 0) break;
  }

  const parts: string[] = [];
  let last = 0;
  const copyUntil = (position: number): void => {
    // Group ends fall between tags (after a mark's "/>" or "</text>"): close them in place.
    for (const [at, count] of [...closes].filter(([at]) => at >= last && at <= position).sort((a, b) => a[0] - b[0])) {
      parts.push(svg.slice(last, at), "</g>".repeat(count));
      closes.delete(at);
      last = at;
    }
    parts.push(svg.slice(last, position));
    last = position;
  };
  tags.forEach(({ start, end, tag }, index) => {
    copyUntil(start);
    parts.push(opens.get(start) ?? "", writeTag(tag));
    if (index === 0 && shared.size > 0) {
      parts.push(`<defs>${[...shared].map(([d, id]) => `<path id="${id}" d="${d}"/>`).join("")}</defs>`);
    }
    last = end;
  });
  copyUntil(svg.length);
  return parts.join("");
}

/** Properties that a <g> passes down to its children exactly as if each child set them. */
const INHERITED = new Set([
  "fill", "stroke", "stroke-width", "fill-opacity", "stroke-opacity",
  "font-family", "font-size", "font-weight", "font-style", "text-anchor",
]);

/** Elements that may share their paint through a wrapping <g>: empty shapes, and text. */
const GROUPABLE = new Set(["use", "path", "line", "rect"]);

/**
 * Where the element that `tag` opens ends: just after it when empty, after its `</text>` for text (whose
 * content is text and <tspan>s); -1 for elements that are not grouped.
 */
function elementEndOf(svg: string, end: number, tag: Tag): number {
  if (tag.selfClosing) return GROUPABLE.has(tag.name) ? end : -1;
  if (tag.name !== "text") return -1;
  const close = svg.indexOf("</text>", end);
  return close < 0 ? -1 : close + "</text>".length;
}

/** The inherited attributes of a tag, written as they would appear on a <g> ("" when none). */
function inheritedKey(tag: Tag): string {
  return tag.attributes.filter(([name]) => INHERITED.has(name)).map(([name, value]) => ` ${name}="${value}"`).join("");
}

/** A <use> placed by `transform="translate(x,y)"` says it with x and y (the same placement, shorter). */
function useTranslate([name, value]: [string, string]): Array<[string, string]> {
  const match = name === "transform" ? /^translate\(([^,()\s]+),([^,()\s]+)\)$/.exec(value) : null;
  return match ? [["x", match[1]!], ["y", match[2]!]] : [[name, value]];
}
