// searchSorted against numpy's np.searchsorted (values printed by numpy 2.x for the same inputs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { searchSorted } from "../src/core/search-sorted";

const sorted = Float64Array.of(1, 2, 2, 2, 3, 5);
// [x, np.searchsorted(a, x, "left"), np.searchsorted(a, x, "right")] for a = [1, 2, 2, 2, 3, 5]
const NUMPY: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0], [1, 0, 1], [2, 1, 4], [2.5, 4, 4], [5, 5, 6], [6, 6, 6],
];

test("searchSorted equals np.searchsorted on both sides, ties and both ends included", () => {
  for (const [x, left, right] of NUMPY) {
    assert.equal(searchSorted(sorted, x), left, `left of ${x}`);
    assert.equal(searchSorted(sorted, x, "left"), left, `left of ${x}`);
    assert.equal(searchSorted(sorted, x, "right"), right, `right of ${x}`);
  }
});

test("searchSorted gives numpy's docs example (3 in [1..5]: left 2, right 3) and 0 on an empty array", () => {
  assert.equal(searchSorted([1, 2, 3, 4, 5], 3), 2);
  assert.equal(searchSorted([1, 2, 3, 4, 5], 3, "right"), 3);
  assert.equal(searchSorted(new Float64Array(0), 1), 0);
});
