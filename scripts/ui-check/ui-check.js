#!/usr/bin/env node
// Drives the classic Jupyter Notebook UI like a user (menus, not nbconvert): Cell > Run All, then
// Kernel > Interrupt on `while (true) {}`, then Kernel > Restart, checking `1 + 1` after each.
// Writes PNG screenshots and summary.json (what each output rendered as) to <out-dir>.
// Started by ui-check.sh, which runs the server; playwright-core comes from NODE_PATH.
//
// Usage: node scripts/ui-check/ui-check.js <server-url> <notebook path under the server root> <out-dir>
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const [serverUrl, notebookPath, outDir] = process.argv.slice(2);
if (!serverUrl || !notebookPath || !outDir) {
  console.error("usage: ui-check.js <server-url> <notebook path> <out-dir>");
  process.exit(2);
}
const RUN_ALL_TIMEOUT_MS = 240_000;
const STEP_TIMEOUT_MS = 60_000;
const summary = { notebook: notebookPath, steps: [] };

function step(name, ok, detail) {
  summary.steps.push({ name, ok, ...detail });
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? " " + JSON.stringify(detail) : ""}`);
}

// Per-cell facts read from the live DOM: the prompt, and which renderer classic Jupyter picked per output.
function describeCells(page) {
  return page.evaluate(() =>
    Jupyter.notebook.get_cells().flatMap((cell, index) => {
      if (cell.cell_type !== "code") return [];
      const el = cell.element[0];
      const outputs = [...el.querySelectorAll(".output_area")].map((area) => {
        const sub = area.querySelector(".output_subarea");
        const img = sub && sub.querySelector("img");
        return {
          prompt: (area.querySelector(".output_prompt") || {}).innerText || "",
          classes: sub ? [...sub.classList].filter((c) => c !== "output_subarea") : [],
          hasTable: !!(sub && sub.querySelector("table")),
          img: img ? { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, alt: img.alt } : null,
          text: sub ? sub.innerText.slice(0, 160) : "",
        };
      });
      return [{ index, input_prompt: cell.input_prompt_number ?? null, source: cell.get_text().slice(0, 60), outputs }];
    }),
  );
}

function kernelIdle(page) {
  return page.evaluate(() => document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"));
}

async function waitFor(page, predicate, arg, timeout = STEP_TIMEOUT_MS) {
  await page.waitForFunction(predicate, arg, { timeout, polling: 250 });
}

// Scrolls the notebook (which scrolls inside #site, not the window) so that cell `index` is at the top.
async function screenshotAtCell(page, index, file) {
  await page.evaluate((i) => Jupyter.notebook.get_cell(i).element[0].scrollIntoView({ block: "start" }), index);
  await page.waitForTimeout(400);
  const target = path.join(outDir, file);
  await page.screenshot({ path: target });
  summary.screenshots = [...(summary.screenshots || []), target];
}

async function menu(page, menuLinkId, itemId) {
  await page.click(`#${menuLinkId}`);
  await page.click(`#${itemId} > a`);
}

// Appends a code cell with `source`, clicks into its editor and runs it in place with Ctrl+Enter
// (Shift+Enter on the last cell would also insert an empty cell below). Returns the cell's index.
async function runNewCell(page, source) {
  const index = await page.evaluate((text) => {
    const cell = Jupyter.notebook.insert_cell_at_bottom("code");
    cell.set_text(text);
    return Jupyter.notebook.find_cell_index(cell);
  }, source);
  await page.locator("#notebook-container .cell").nth(index).locator(".CodeMirror").click();
  await page.keyboard.press("Control+Enter");
  return index;
}

function promptIsNumber(page, index) {
  return waitFor(
    page,
    (i) => typeof Jupyter.notebook.get_cell(i).input_prompt_number === "number" &&
      document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"),
    index,
  );
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  try {
    await page.goto(`${serverUrl}/notebooks/${notebookPath}?token=test`);
    await waitFor(page, () => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded);
    await waitFor(page, () => Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() &&
      document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"));
    const kernel = await page.evaluate(() => ({ kernelName: Jupyter.notebook.kernel.name,
      indicator: document.querySelector(".kernel_indicator_name").innerText }));
    step("kernel started", true, kernel);
    await page.evaluate(() => { window.__readyCount = 0;
      Jupyter.notebook.events.on("kernel_ready.Kernel", () => { window.__readyCount += 1; }); });

    // Cell > Run All, then wait until every code cell has a number and the kernel is idle.
    const started = Date.now();
    await menu(page, "celllink", "run_all_cells");
    await waitFor(page, () => Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code")
      .every((c) => typeof c.input_prompt_number === "number") &&
      document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"), null, RUN_ALL_TIMEOUT_MS);
    await page.waitForTimeout(1000); // late display messages settle
    const cells = await describeCells(page);
    summary.cells = cells;
    const errors = cells.filter((c) => c.outputs.some((o) => o.classes.includes("output_error")));
    step("run all", errors.length === 0, { seconds: (Date.now() - started) / 1000, codeCells: cells.length,
      errorCells: errors.map((c) => c.index) });

    const find = (pattern) => cells.find((c) => pattern.test(c.source));
    const shots = [
      ["00-notebook-top.png", cells[0] && { index: 0 }],
      ["01-top-head-table.png", find(/^const salaries = salaryData/)],
      ["02-describe-table.png", find(/^describe\(/)],
      ["03-histogram.png", find(/^await histogram/)],
      ["04-boxplot.png", find(/^await boxplot/)],
      ["05-scatter.png", find(/^await scatter/)],
      ["06-class-counts.png", find(/^await classCountsChart/)],
      ["07-comparison-table.png", find(/^new TutorialComparison/)],
    ];
    for (const [file, cell] of shots) if (cell) await screenshotAtCell(page, cell.index, file);

    // Interrupt: an endless loop, Kernel > Interrupt, then 1 + 1 must still work.
    const loop = await runNewCell(page, "while (true) {}");
    await page.waitForTimeout(2000);
    const busy = await page.evaluate((i) => ({ prompt: Jupyter.notebook.get_cell(i).input_prompt_number,
      busy: document.querySelector("#kernel_indicator_icon").classList.contains("kernel_busy_icon") }), loop);
    await screenshotAtCell(page, loop, "08-loop-busy.png");
    await menu(page, "kernellink", "int_kernel");
    await waitFor(page, () => document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"));
    // tslab rejects every execute_request for 200 ms after a failed cell (reply {"status":"abort"}, no
    // count: the cell stays "In [ ]"); a person takes longer than that, so pause like one.
    await page.waitForTimeout(1000);
    const afterInterrupt = await page.evaluate((i) => ({ prompt: Jupyter.notebook.get_cell(i).input_prompt_number,
      output: Jupyter.notebook.get_cell(i).output_area.outputs.map((o) => o.ename || o.output_type) }), loop);
    const sum1 = await runNewCell(page, "1 + 1");
    await promptIsNumber(page, sum1);
    const sum1Result = (await describeCells(page)).find((c) => c.index === sum1);
    await screenshotAtCell(page, loop, "09-after-interrupt.png");
    step("interrupt", busy.busy && busy.prompt === "*" && sum1Result.outputs.some((o) => o.text.trim() === "2"),
      { whileLooping: busy, loopCellAfter: afterInterrupt, next: sum1Result });

    // Kernel > Restart (confirmation dialog), then 1 + 1 in the fresh kernel.
    const readyBefore = await page.evaluate(() => window.__readyCount);
    await menu(page, "kernellink", "restart_kernel");
    await page.click(".modal-dialog button.btn-danger");
    await waitFor(page, (n) => window.__readyCount > n &&
      document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon"), readyBefore);
    const sum2 = await runNewCell(page, "1 + 1");
    await promptIsNumber(page, sum2);
    const sum2Result = (await describeCells(page)).find((c) => c.index === sum2);
    await screenshotAtCell(page, loop, "10-after-restart.png");
    step("restart", sum2Result.input_prompt === 1 && sum2Result.outputs.some((o) => o.text.trim() === "2"),
      { next: sum2Result });
  } catch (error) {
    step("unexpected error", false, { message: String(error && error.stack || error) });
    await page.screenshot({ path: path.join(outDir, "99-failure.png") }).catch(() => {});
  } finally {
    summary.pageErrors = consoleErrors;
    fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(summary, null, 2));
    await browser.close();
  }
  if (summary.steps.some((s) => !s.ok)) process.exit(1);
}

main();
