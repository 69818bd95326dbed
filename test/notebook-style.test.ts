// The notebooks read as tutorials: code lines short enough to read without scrolling (the project's style rule:
// under ~100 characters). Checked on the committed sources, so no kernel is needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { ROOT, joined, readNotebook } from "./helpers/jupyter";

const MAX_CODE_LINE = 100;
const notebooks = readdirSync(path.join(ROOT, "notebooks")).filter((name) => name.endsWith(".ipynb")).sort();

test("there are notebooks to check", () => {
  assert.ok(notebooks.length >= 11, `found ${notebooks.length} notebooks`);
});

for (const name of notebooks) {
  test(`${name}: every code line is at most ${MAX_CODE_LINE} characters`, () => {
    const cells = readNotebook(path.join(ROOT, "notebooks", name)).cells;
    const long = cells.flatMap((cell, index) =>
      cell.cell_type !== "code"
        ? []
        : joined(cell.source)
            .split("\n")
            .filter((line) => line.length > MAX_CODE_LINE)
            .map((line) => `cell ${index}: ${line.length} characters: ${line.slice(0, 60)}...`),
    );
    assert.deepEqual(long, [], `${long.length} code lines over ${MAX_CODE_LINE} characters`);
  });
}
