// display(), mime bundles and HTML tables. The kernel is simulated through the
// same tslab module instance the library writes to.
import { strict as assert } from "node:assert";
import { after, describe as suite, test } from "node:test";
import pl from "nodejs-polars";
import { display, newDisplayHandle, mimeBundleOf } from "../src/display/display";
import { mimeText } from "../src/display/mime";
import { dataFrameToHtml, formatNumber, tableToHtml } from "../src/display/html-table";
import { isDisplayable } from "../src/display/mime";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tslabJupyter: { lastWriteDisplayData: unknown } = require("tslab/dist/jupyter");

interface Published {
  content: { data: Record<string, string>; transient: { display_id?: string } };
  update: boolean;
}

/** Pretends to be inside a tslab cell: records what the kernel would publish. */
function withFakeKernel(run: () => void): Published[] {
  const published: Published[] = [];
  tslabJupyter.lastWriteDisplayData = (content: Published["content"], update: boolean) =>
    published.push({ content, update });
  try {
    run();
  } finally {
    tslabJupyter.lastWriteDisplayData = null;
  }
  return published;
}

function captureStdout(run: () => void): string {
  const original = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

after(() => {
  tslabJupyter.lastWriteDisplayData = null;
});

const rows = (html: string) => html.match(/<tr[ >]/g)?.length ?? 0;

suite("dataFrameToHtml", () => {
  const long = pl.DataFrame({ id: Array.from({ length: 50 }, (_, i) => i), ratio: Array.from({ length: 50 }, (_, i) => i / 3) });

  test("shows head, a '...' row and tail, with the shape footer", () => {
    const html = dataFrameToHtml(long, { maxRows: 10 });
    assert.match(html, /50 rows × 2 columns/);
    assert.equal(rows(html), 1 + 10 + 1, "header + 10 data rows + ellipsis row");
    assert.match(html, /<tr class="al-ellipsis"><td>\.\.\.<\/td><td>\.\.\.<\/td><\/tr>/);
    assert.match(html, /<td>4<\/td><td>1\.33333<\/td><\/tr><tr class="al-ellipsis">/, "head ends at row 4");
    assert.match(html, /<td>49<\/td><td>16\.3333<\/td><\/tr><\/tbody>/, "tail ends at the last row");
  });

  test("short frames are shown whole, with dtypes and singular shape", () => {
    const html = dataFrameToHtml(pl.DataFrame({ x: [1.5] }));
    assert.doesNotMatch(html, /class="al-ellipsis"/);
    assert.match(html, /x<span class="al-dtype">f64<\/span>/);
    assert.match(html, /1 row × 1 column/);
  });

  test("escapes text and marks nulls", () => {
    const html = dataFrameToHtml(pl.DataFrame({ "<name>": ["<b>&\"x\"", null] }));
    assert.match(html, /<th class="al-text">&lt;name&gt;/);
    assert.match(html, /<td class="al-text">&lt;b&gt;&amp;&quot;x&quot;<\/td>/);
    assert.match(html, /<td class="al-null">null<\/td>/);
    assert.doesNotMatch(html, /<b>/);
  });

  test("cuts wide frames with a '...' column", () => {
    const wide = pl.DataFrame(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`c${i}`, [i]])));
    const html = dataFrameToHtml(wide, { maxColumns: 4 });
    assert.match(html, /<th>c1.*<th class="al-text">\.\.\.<\/th><th>c6/);
    assert.doesNotMatch(html, /<th>c3/);
    assert.match(html, /1 row × 8 columns/);
  });

  test("the '...' column of a wide table shows '...' in every row, not a null cell", () => {
    const rows = Array.from({ length: 3 }, (_, r) => Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`c${i}`, r + i])));
    const asArrays = rows.map((row) => Object.values(row));
    for (const html of [tableToHtml(asArrays, Object.keys(rows[0]!), { maxColumns: 4 }), dataFrameToHtml(pl.DataFrame(rows), { maxColumns: 4 })]) {
      const bodyRows = html.split("<tbody>")[1]!.split("</tbody>")[0]!.split("</tr>").filter((row) => row.includes("<td"));
      assert.equal(bodyRows.length, 3);
      for (const row of bodyRows) assert.match(row, /<td>\.\.\.<\/td>/);
      assert.doesNotMatch(html, /class="al-null"/);
    }
  });
});

suite("formatNumber", () => {
  test("integers in full, other numbers to 6 significant digits", () => {
    assert.equal(formatNumber(1175), "1175");
    assert.equal(formatNumber(-3), "-3");
    assert.equal(formatNumber(0.1 + 0.2), "0.3");
    assert.equal(formatNumber(1 / 3), "0.333333");
    assert.equal(formatNumber(490.4204442325097), "490.42");
    assert.equal(formatNumber(1234567.891), "1.23457e+6");
    assert.equal(formatNumber(NaN), "NaN");
  });
});

suite("tableToHtml", () => {
  test("renders plain rows, numbers right-aligned and text left-aligned", () => {
    const html = tableToHtml([["recall", 0.9], ["a<b", 1]], ["metric", "value"]);
    assert.match(html, /<td class="al-text">a&lt;b<\/td><td>1<\/td>/);
    assert.match(html, /2 rows × 2 columns/);
  });

  test("rejects rows of the wrong length", () => {
    assert.throws(() => tableToHtml([["a", 1], ["b"]], ["x", "y"]), /row 1 has 1 cells but there are 2 columns/);
  });
});

suite("mimeBundleOf", () => {
  test("DataFrame: HTML table plus polars' own text", () => {
    const df = pl.DataFrame({ a: [1, 2] });
    const bundle = mimeBundleOf(df);
    assert.equal(bundle["text/plain"], df.toString());
    assert.match(mimeText(bundle, "text/html"), /2 rows × 1 column/);
  });

  test("Series, Displayable, string and other values", () => {
    assert.match(mimeText(mimeBundleOf(pl.Series("s", [1, 2, 3])), "text/html"), /3 rows × 1 column/);
    const custom = { toMimeBundle: () => ({ "text/html": "<i>x</i>", "text/plain": "x" }) };
    assert.ok(isDisplayable(custom));
    assert.deepEqual(mimeBundleOf(custom), { "text/html": "<i>x</i>", "text/plain": "x" });
    assert.deepEqual(mimeBundleOf("hello"), { "text/plain": "hello" });
    assert.deepEqual(mimeBundleOf({ a: 1 }), { "text/plain": "{ a: 1 }" });
  });
});

suite("display", () => {
  test("outside a kernel prints the text/plain form", () => {
    assert.equal(captureStdout(() => display({ a: 1 })), "{ a: 1 }\n");
  });

  test("a forgotten await gets a clear error", () => {
    assert.throws(() => display(Promise.resolve(1)), /display\(\) got a Promise; await it first/);
  });

  test("inside a kernel publishes ONE display_data with every mime type", () => {
    const published = withFakeKernel(() => display(pl.DataFrame({ a: [1] })));
    assert.equal(published.length, 1);
    assert.equal(published[0].update, false);
    assert.deepEqual(Object.keys(published[0].content.data).sort(), ["text/html", "text/plain"]);
    assert.equal(published[0].content.transient.display_id, undefined);
  });

  test("a display handle updates its output in place", () => {
    const handle = newDisplayHandle();
    const published = withFakeKernel(() => {
      handle.update("epoch 1");
      handle.update("epoch 2");
    });
    assert.deepEqual(published.map((p) => p.update), [false, true]);
    assert.deepEqual(published.map((p) => p.content.transient.display_id), [handle.id, handle.id]);
    assert.equal(published[1].content.data["text/plain"], "epoch 2");
  });
});
