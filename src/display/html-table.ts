/**
 * HTML tables for notebook output, in the spirit of pandas' `_repr_html_`:
 * head and tail with a "..." row when long, escaped cells, compact numbers and
 * a "N rows × M columns" footer. The inline style uses `al-` class names so it
 * cannot clash with JupyterLab's or nbconvert's own table styles.
 */
import type { DataFrame, Series } from "nodejs-polars";

/** Options of {@link dataFrameToHtml} and {@link tableToHtml}. */
export interface HtmlTableOptions {
  /** Rows shown before the table is cut into head + "..." + tail (default 20). */
  maxRows?: number;
  /** Columns shown before the middle columns are replaced by a "..." column (default 20). */
  maxColumns?: number;
}

/** What the renderer needs to know about one column. */
interface ColumnView {
  name: string;
  /** Short dtype label under the header (polars only). */
  dtype?: string;
  /** Numbers are right-aligned, text left-aligned. */
  numeric: boolean;
  /** Cells of the shown rows: head rows, then tail rows. */
  cells: unknown[];
}

const ELLIPSIS = "...";

// Specificity (0,2,1) beats JupyterLab's `.jp-RenderedHTMLCommon table` rules.
const TABLE_STYLE = `<style>
.al-table-wrap{overflow-x:auto;max-width:100%;margin:4px 0}
.al-table-wrap table.al-table{border-collapse:collapse;border:none;margin:0;table-layout:auto;color:inherit;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px;line-height:1.4}
.al-table-wrap table.al-table th,.al-table-wrap table.al-table td{padding:3px 10px;border:none;text-align:right;vertical-align:middle;white-space:nowrap;max-width:none}
.al-table-wrap table.al-table thead th{border-bottom:1px solid rgba(127,127,127,0.6);vertical-align:bottom;font-weight:600}
.al-table-wrap table.al-table tbody tr:nth-child(odd){background:rgba(127,127,127,0.08)}
.al-table-wrap table.al-table tbody tr:hover{background:rgba(66,133,244,0.12)}
.al-table-wrap table.al-table .al-text{text-align:left}
.al-table-wrap table.al-table .al-dtype{display:block;font-weight:normal;font-size:10px;opacity:0.6}
.al-table-wrap table.al-table .al-null{opacity:0.5;font-style:italic}
.al-table-wrap table.al-table tr.al-ellipsis td{text-align:center;opacity:0.6}
.al-table-wrap .al-table-shape{font-family:sans-serif;font-size:11px;opacity:0.7;margin-top:3px}
</style>`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Formats a number for a table cell: integers in full, other values to 6
 * significant digits without trailing zeros (`0.1 + 0.2` -> `0.3`).
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  const text = value.toPrecision(6);
  const [mantissa, exponent] = text.split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** Cell text (not yet escaped) for any value polars or a caller may hand us. */
function formatCell(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value.length > 120 ? `${value.slice(0, 119)}…` : value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString().replace(".000Z", "Z");
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 119)}…` : json;
}

function renderCell(value: unknown, numeric: boolean): string {
  if (value === null || value === undefined) return `<td class="al-null">null</td>`;
  const cls = numeric ? "" : ` class="al-text"`;
  return `<td${cls}>${escapeHtml(formatCell(value))}</td>`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Which rows to show: all, or head + tail around a "..." row. */
function shownRows(height: number, maxRows: number): { head: number; tail: number } {
  if (height <= maxRows) return { head: height, tail: 0 };
  const head = Math.max(1, Math.ceil(maxRows / 2));
  return { head, tail: Math.max(1, maxRows - head) };
}

/** Which column indices to show; `null` marks the "..." column. */
function shownColumns(width: number, maxColumns: number): Array<number | null> {
  const all = Array.from({ length: width }, (_, i) => i);
  if (width <= maxColumns) return all;
  const left = Math.max(1, Math.ceil(maxColumns / 2));
  const right = Math.max(1, maxColumns - left);
  return [...all.slice(0, left), null, ...all.slice(width - right)];
}

function checkLimit(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function renderTable(
  columns: ColumnView[],
  totalRows: number,
  totalColumns: number,
  split: { head: number; tail: number },
): string {
  const header = columns
    .map((column) => {
      const dtype = column.dtype ? `<span class="al-dtype">${escapeHtml(column.dtype)}</span>` : "";
      const cls = column.numeric ? "" : ` class="al-text"`;
      return `<th${cls}>${escapeHtml(column.name)}${dtype}</th>`;
    })
    .join("");
  const rowHtml = (row: number) =>
    `<tr>${columns.map((column) => (column === ELLIPSIS_COLUMN ? `<td>${ELLIPSIS}</td>` : renderCell(column.cells[row], column.numeric))).join("")}</tr>`;
  const body: string[] = [];
  for (let row = 0; row < split.head; row++) body.push(rowHtml(row));
  if (split.tail > 0) {
    body.push(`<tr class="al-ellipsis">${columns.map(() => `<td>${ELLIPSIS}</td>`).join("")}</tr>`);
    for (let row = split.head; row < split.head + split.tail; row++) body.push(rowHtml(row));
  }
  return (
    `<div class="al-table-wrap">${TABLE_STYLE}` +
    `<table class="al-table"><thead><tr>${header}</tr></thead><tbody>${body.join("")}</tbody></table>` +
    `<div class="al-table-shape">${plural(totalRows, "row")} × ${plural(totalColumns, "column")}</div></div>`
  );
}

const ELLIPSIS_COLUMN: ColumnView = { name: ELLIPSIS, numeric: false, cells: [] };

/** Short dtype names as polars prints them (`i64`, `f64`, `str`, ...). */
function shortDtype(series: Series): string {
  const variant = String(series.dtype.variant);
  const short: Record<string, string> = {
    Int8: "i8", Int16: "i16", Int32: "i32", Int64: "i64",
    UInt8: "u8", UInt16: "u16", UInt32: "u32", UInt64: "u64",
    Float32: "f32", Float64: "f64", String: "str", Utf8: "str", Bool: "bool",
    Date: "date", Datetime: "datetime", Categorical: "cat",
  };
  return short[variant] ?? variant.toLowerCase();
}

/**
 * Renders a nodejs-polars DataFrame as a self-contained HTML table (inline
 * style included) that looks right in JupyterLab and in nbconvert's HTML export.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * const html = dataFrameToHtml(pl.DataFrame({ id: [1, 2], name: ["a", "<b>"] }), { maxRows: 10 });
 * // html contains "&lt;b&gt;" and "2 rows × 2 columns"
 * ```
 */
export function dataFrameToHtml(df: DataFrame, options: HtmlTableOptions = {}): string {
  const maxRows = checkLimit(options.maxRows, "maxRows", 20);
  const maxColumns = checkLimit(options.maxColumns, "maxColumns", 20);
  const split = shownRows(df.height, maxRows);
  const head = df.head(split.head);
  const tail = split.tail > 0 ? df.tail(split.tail) : null;
  const columns = shownColumns(df.width, maxColumns).map((index): ColumnView => {
    if (index === null) return ELLIPSIS_COLUMN;
    const series = head.getColumns()[index];
    const cells = tail ? [...series.toArray(), ...tail.getColumns()[index].toArray()] : series.toArray();
    return { name: series.name, dtype: shortDtype(series), numeric: series.isNumeric(), cells };
  });
  return renderTable(columns, df.height, df.width, split);
}

/**
 * Renders plain rows (arrays of cells) as the same HTML table as
 * {@link dataFrameToHtml}. Columns whose cells are all numbers (or null) are right-aligned.
 *
 * @example
 * ```ts
 * tableToHtml([["recall", 0.912], ["precision", 0.5]], ["metric", "value"]);
 * ```
 */
export function tableToHtml(
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  columns: readonly string[],
  options: HtmlTableOptions = {},
): string {
  const maxRows = checkLimit(options.maxRows, "maxRows", 20);
  const maxColumns = checkLimit(options.maxColumns, "maxColumns", 20);
  rows.forEach((row, index) => {
    if (row.length !== columns.length) {
      throw new RangeError(
        `tableToHtml: row ${index} has ${row.length} cells but there are ${columns.length} columns`,
      );
    }
  });
  const split = shownRows(rows.length, maxRows);
  const picked = [...rows.slice(0, split.head), ...rows.slice(rows.length - split.tail)];
  const views = shownColumns(columns.length, maxColumns).map((index): ColumnView => {
    if (index === null) return ELLIPSIS_COLUMN;
    const cells = picked.map((row) => row[index]);
    const numeric =
      cells.some((cell) => typeof cell === "number" || typeof cell === "bigint") &&
      cells.every((cell) => cell === null || cell === undefined || typeof cell === "number" || typeof cell === "bigint");
    return { name: columns[index], numeric, cells };
  });
  return renderTable(views, rows.length, columns.length, split);
}
