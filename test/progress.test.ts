// progressBar: redraws through one display handle, throttled, with a sensible time estimate.
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { FIXTURES, joined, jupyterPython, readNotebook, runNotebooks } from "./helpers/jupyter";
import { progressBar } from "../src/display/progress";
import { isDisplayable, mimeText, type MimeBundle } from "../src/display/mime";

function recorder(): { handle: { id: string; update(value: unknown): void }; frames: MimeBundle[] } {
  const frames: MimeBundle[] = [];
  return {
    frames,
    handle: {
      id: "test",
      update(value: unknown) {
        assert.ok(isDisplayable(value));
        frames.push(value.toMimeBundle());
      },
    },
  };
}

test("throttles redraws but always draws the last step, with elapsed and remaining time", () => {
  let clock = 0;
  const { handle, frames } = recorder();
  const bar = progressBar(4, { label: "training", handle, now: () => clock, minIntervalMs: 200 });
  clock = 1000;
  bar.update(1, "loss 0.5"); // drawn: 1 s elapsed, 3 steps left at 1 s each
  clock = 1100;
  bar.update(2); // within 200 ms of the last draw: skipped
  clock = 4000;
  bar.update(4, "loss 0.1"); // last step: drawn
  assert.equal(frames.length, 2);
  assert.equal(mimeText(frames[0], "text/plain"), "training 1/4 [########......................] 25% 1.0 s elapsed, ~3.0 s left | loss 0.5");
  assert.match(mimeText(frames[1], "text/plain"), /^training 4\/4 \[#{30}\] 100% 4\.0 s elapsed \| loss 0\.1$/);
  assert.match(mimeText(frames[1], "text/html"), /<progress value="4" max="4"/);
});

test("rejects a bad total or step", () => {
  assert.throws(() => progressBar(0), /total must be a positive integer, got 0/);
  const { handle } = recorder();
  assert.throws(() => progressBar(3, { handle }).update(5), /done must be in \[0, 3\], got 5/);
});

test("in a notebook on the real kernel, the bar is one output updated in place", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "anomaly-lab-progress-"));
  const run = await runNotebooks(jupyterPython(), ["--quick", "--out", out, path.join(FIXTURES, "progress.ipynb")]);
  assert.equal(run.code, 0, run.output);
  const outputs = readNotebook(path.join(out, "progress.ipynb")).cells[1].outputs ?? [];
  assert.equal(outputs.length, 1, `expected one display, got ${JSON.stringify(outputs)}`);
  assert.match(joined(outputs[0].data?.["text/plain"]), /^epochs 5\/5 \[#{30}\] 100% .* \| step 5$/);
});
