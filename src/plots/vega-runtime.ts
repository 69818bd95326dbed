/**
 * Kernel-side rendering: vega-lite spec -> vega spec -> SVG string, headless.
 *
 * vega 6 and vega-lite 6 are ESM-only with top-level await, so `require()`
 * fails (ERR_REQUIRE_ASYNC_MODULE). tsc (module node16) keeps `import()` as a
 * real dynamic import in our CommonJS output, which Node can load. Their types
 * stay inside this module: tslab compiles notebooks with moduleResolution
 * node10, which cannot see types published only through "exports".
 */
import { vegaTextWidth } from "./text-metrics";

/** The slice of vega's API we use. */
interface VegaModule {
  parse(spec: unknown): unknown;
  textMetrics: { width: (item: never, text: unknown) => number };
  View: new (runtime: unknown, options: { renderer: "none" }) => {
    toSVG(): Promise<string>;
    finalize(): void;
  };
}

/** The slice of vega-lite's API we use. */
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

let modules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/**
 * Loads vega and vega-lite once per process (a failed load is retried next
 * time) and installs our text widths (see text-metrics.ts) in vega.
 */
function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  modules ??= Promise.all([import("vega"), import("vega-lite")])
    .then(([vegaModule, vegaLite]) => {
      const vega = vegaModule as unknown as VegaModule;
      vega.textMetrics.width = vegaTextWidth;
      return { vega, vegaLite: vegaLite as unknown as VegaLiteModule };
    })
    .catch((error: unknown) => {
      modules = undefined;
      throw new Error(`could not load vega/vega-lite for chart rendering: ${String(error)}`);
    });
  return modules;
}

/**
 * Compiles a vega-lite spec and renders it to an SVG document string without a
 * browser (vega's "none" renderer + `toSVG()`).
 */
export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile(spec);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
