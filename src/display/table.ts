import type { Displayable, MimeBundle } from "./mime";
import { tableToHtml, type HtmlTableOptions } from "./html-table";

/**
 * Records (plain objects) as a displayable table: an HTML table in notebooks and reports, aligned text
 * elsewhere. The columns are the keys of the first record, in order; every record must have them.
 *
 * @example
 * ```ts
 * display(table([{ row: 16, salary: 23 }, { row: 65, salary: 17 }]));
 * ```
 */
export function table(records: ReadonlyArray<Record<string, unknown>>, options: HtmlTableOptions = {}): Displayable {
  if (records.length === 0) throw new RangeError("table(records): no records to show");
  const columns = Object.keys(records[0]);
  const rows = records.map((record, index) =>
    columns.map((column) => {
      if (!(column in record)) throw new RangeError(`table(records): record ${index} has no '${column}'`);
      return record[column];
    }),
  );
  const text = (): string => {
    const cells = [columns, ...rows.map((row) => row.map((cell) => String(cell)))];
    const widths = columns.map((_, c) => Math.max(...cells.map((row) => String(row[c]).length)));
    return cells.map((row) => row.map((cell, c) => String(cell).padStart(widths[c])).join("  ")).join("\n");
  };
  return {
    toMimeBundle: (): MimeBundle => ({ "text/html": tableToHtml(rows, columns, options), "text/plain": text() }),
  };
}
