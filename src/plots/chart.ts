/** A rendered chart: its vega-lite spec plus the SVG the kernel drew from it. */
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { escapeHtml } from "../display/html-table";
import type { Displayable, MimeBundle } from "../display/mime";

/** The mime type JupyterLab's built-in vega extension renders (vega-lite 5). */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
import { compactSvg } from "./svg-compact";
import { renderVegaLiteSvg } from "./vega-runtime";

/** A vega-lite spec as plain JSON (deliberately not vega-lite's own types; see vega-runtime.ts). */
export type VegaLiteSpec = Record<string, unknown>;

/** The title text of a spec (`title` may be a string, string[] or `{ text }`). */
function specTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  const text = typeof title === "object" && title !== null && !Array.isArray(title)
    ? (title as { text?: unknown }).text
    : title;
  if (Array.isArray(text)) return text.join(" ");
  return typeof text === "string" ? text : "untitled";
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** Pixel size from the root `<svg width=".." height="..">` that vega writes. */
function svgSize(svg: string): { width: number; height: number } | null {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * A chart rendered to SVG on the kernel side, shown by `display(chart)`.
 *
 * Its text/html form is an `<img>` with the SVG as a base64 data URI, because:
 * nbconvert 6.5's HTML export drops image/svg+xml but keeps text/html;
 * JupyterLab's sanitizer (untrusted notebooks) strips inline `<svg>` yet keeps
 * `<img src="data:...">`; and an `<img>` isolates each SVG document, whereas
 * several inline vega SVGs on one page would share clip-path ids ("clip1").
 *
 * @example
 * ```ts
 * const chart = await histogram(salaries, { title: "Salaries" });
 * display(chart);
 * chart.saveSvg("reports/salaries.svg");
 * ```
 */
export class Chart implements Displayable {
  /**
   * The largest vega-lite spec (JSON bytes, data included) that {@link toMimeBundle} embeds for
   * interactive front ends; larger ones are left out so executed notebooks stay light (the picture is
   * always there, and `chart.spec` keeps the whole spec). Default 32 KiB; `Infinity` always embeds, 0 never.
   *
   * @example Chart.maxEmbeddedSpecBytes = Infinity; // embed every spec, however large
   */
  static maxEmbeddedSpecBytes = 32 * 1024;

  /** The vega-lite spec (plain JSON) the SVG was rendered from. */
  readonly spec: VegaLiteSpec;
  /** The rendered SVG document, as vega wrote it (with an ARIA description of every mark). */
  readonly svg: string;
  private compact: string | undefined;

  constructor(spec: VegaLiteSpec, svg: string) {
    this.spec = spec;
    this.svg = svg;
  }

  /**
   * Renders a vega-lite spec into a Chart.
   *
   * @example
   * ```ts
   * const chart = await Chart.render({ mark: "point", data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } });
   * ```
   */
  static async render(spec: VegaLiteSpec): Promise<Chart> {
    return new Chart(spec, await renderVegaLiteSvg(spec));
  }

  /**
   * The SVG that displays show: {@link svg} compacted to the same picture in about half the bytes
   * (see svg-compact.ts: no per-mark ARIA, geometry to 1/1000 px, repeated symbols via `<use>`).
   */
  get displaySvg(): string {
    this.compact ??= compactSvg(this.svg);
    return this.compact;
  }

  /** The chart title ("untitled" when the spec has none). */
  get title(): string {
    return specTitle(this.spec);
  }

  /** An `<img>` element embedding {@link displaySvg} as a data URI (see the class comment for why). */
  toHtml(): string {
    const size = svgSize(this.displaySvg);
    const dimensions = size ? ` width="${size.width}" height="${size.height}"` : "";
    const data = Buffer.from(this.displaySvg, "utf8").toString("base64");
    return (
      `<img src="data:image/svg+xml;base64,${data}" alt="${escapeHtml(this.title)}"${dimensions}` +
      ` style="max-width:100%;height:auto"/>`
    );
  }

  /**
   * text/html (kept by nbconvert's HTML export), image/svg+xml (for exports without HTML, e.g. PDF), the
   * vega-lite spec for interactive renderers when it is at most {@link Chart.maxEmbeddedSpecBytes}, and
   * text/plain. JupyterLab 4 registers vega-lite under the v5 mime type and renders with vega-lite 5; the
   * specs we build use only marks and encodings that v5 and v6 share, so the spec goes under that type with
   * a v5 `$schema`.
   */
  toMimeBundle(): MimeBundle {
    const spec = { ...this.spec, $schema: VEGA_LITE_V5_SCHEMA };
    const specBytes = Buffer.byteLength(JSON.stringify(spec), "utf8");
    const embed = specBytes <= Chart.maxEmbeddedSpecBytes;
    return {
      "text/html": this.toHtml(),
      "image/svg+xml": this.displaySvg,
      ...(embed ? { [VEGA_LITE_MIME]: spec } : {}),
      "text/plain": embed
        ? `Chart: ${this.title}`
        : `Chart: ${this.title} (vega-lite spec of ${formatKiB(specBytes)} not embedded, above Chart.maxEmbeddedSpecBytes; chart.spec has it)`,
    };
  }

  /**
   * Writes the SVG to `path` atomically (temp file in the same folder, then
   * rename), so a reader never sees a half-written file.
   */
  saveSvg(path: string): void {
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      writeFileSync(temporary, this.svg, "utf8");
      renameSync(temporary, path);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // The temp file was never created; nothing to clean up.
      }
      throw error;
    }
  }
}
