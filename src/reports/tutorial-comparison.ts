import type { MimeBundle } from "../display/mime";
import { escapeHtml } from "../display/html-table";

/** One quantity reported by a tutorial and reproduced by a notebook. */
export interface ComparedQuantity {
  quantity: string;
  tutorial: number | string;
  ours: number | string;
  /** Absolute tolerance for numbers (default 1e-9); strings must be equal. */
  tolerance?: number;
}

/** A row of the comparison with its verdict. */
export interface ComparisonRow extends ComparedQuantity {
  matches: boolean;
}

function formatValue(value: number | string): string {
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(6)).toString();
}

function matches(row: ComparedQuantity): boolean {
  if (typeof row.tutorial === "number" && typeof row.ours === "number") {
    return Math.abs(row.tutorial - row.ours) <= (row.tolerance ?? 1e-9);
  }
  return String(row.tutorial) === String(row.ours);
}

/**
 * The tutorial's published numbers side by side with ours, each with a match verdict.
 * Displays as an HTML table in notebooks and reports; `text/plain` keeps one line per quantity so a
 * test (or a reader of a plain-text export) can find them.
 *
 * @example
 * ```ts
 * display(new TutorialComparison("FloydHub salary tutorial", [
 *   { quantity: "ROC-AUC (KNN)", tutorial: 1.0, ours: auc },
 * ]));
 * ```
 */
export class TutorialComparison {
  readonly rows: ComparisonRow[];

  constructor(
    readonly source: string,
    quantities: ComparedQuantity[],
  ) {
    if (quantities.length === 0) throw new Error("TutorialComparison: no quantities to compare");
    this.rows = quantities.map((q) => ({ ...q, matches: matches(q) }));
  }

  /** True when every quantity matches the tutorial within its tolerance. */
  get allMatch(): boolean {
    return this.rows.every((r) => r.matches);
  }

  toText(): string {
    const lines = this.rows.map(
      (r) =>
        `${r.matches ? "OK  " : "DIFF"} ${r.quantity}: tutorial ${formatValue(r.tutorial)}, ours ${formatValue(r.ours)}`,
    );
    return [`Compared with ${this.source}:`, ...lines].join("\n");
  }

  toHtml(): string {
    const body = this.rows
      .map(
        (r) =>
          `<tr><td style="text-align:left">${escapeHtml(r.quantity)}</td>` +
          `<td>${escapeHtml(formatValue(r.tutorial))}</td><td>${escapeHtml(formatValue(r.ours))}</td>` +
          `<td style="color:${r.matches ? "#1a7f37" : "#cf222e"};font-weight:600">${r.matches ? "&#10003; match" : "&#10007; differs"}</td></tr>`,
      )
      .join("");
    return (
      `<table class="al-comparison" style="border-collapse:collapse;font-family:sans-serif;font-size:13px">` +
      `<caption style="text-align:left;font-weight:600;padding:4px 0">Compared with ${escapeHtml(this.source)}</caption>` +
      `<thead><tr><th style="text-align:left">quantity</th><th>tutorial</th><th>ours</th><th></th></tr></thead>` +
      `<tbody>${body}</tbody></table>` +
      `<style>.al-comparison td,.al-comparison th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}</style>`
    );
  }

  toMimeBundle(): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toText() };
  }
}
