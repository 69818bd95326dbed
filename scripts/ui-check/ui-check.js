#!/usr/bin/env node
// Drives JupyterLab 4 like a user, in headless Chromium (menus and keys, not nbconvert): opens each notebook,
// picks the kernel "TypeScript (anomaly-lab)" in the kernel dialog, Run > Run All Cells, waits, saves, and
// checks every cell (a number in its prompt, no error output in the saved file, images decoded, tables
// rendered, progress bars at their end). On the first notebook it also checks the kernel's interactive
// side: Tab completion of `new IForestDet`, Shift+Tab inspection of `new IForestDetector(`, Kernel >
// Interrupt Kernel on `while (true) {}` (then `1 + 1` still answers 2), Kernel > Restart Kernel (then
// `1 + 1` is In [1]). Writes PNG screenshots and summary.json to <out-dir>; exits 1 on any failure.
// Started by ui-check.sh, which runs the server; playwright-core comes from NODE_PATH.
//
// Usage: node scripts/ui-check/ui-check.js <server-url> <server root> <out-dir> <notebook path>...
//        (notebook paths relative to the server root)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const [serverUrl, serverRoot, outDir, ...notebooks] = process.argv.slice(2);
if (!serverUrl || !serverRoot || !outDir || notebooks.length === 0) {
  console.error("usage: ui-check.js <server-url> <server root> <out-dir> <notebook>...");
  process.exit(2);
}
const KERNEL_DISPLAY_NAME = "TypeScript (anomaly-lab)";
const RUN_ALL_TIMEOUT_MS = Number(process.env.UI_CHECK_RUN_ALL_TIMEOUT_S || 600) * 1000;
const STEP_TIMEOUT_MS = 60_000;
const summary = { server: serverUrl, notebooks: [] };
let current; // the summary entry of the notebook being checked

function step(name, ok, detail) {
  current.steps.push({ name, ok, ...detail });
  console.log(`${ok ? "PASS" : "FAIL"} ${path.basename(current.notebook)}: ${name}` +
    `${detail ? " " + JSON.stringify(detail).slice(0, 600) : ""}`);
}

async function shot(page, name) {
  const file = path.join(outDir, `${path.basename(current.notebook, ".ipynb")}--${name}.png`);
  await page.screenshot({ path: file });
  current.screenshots.push(file);
}

// The notebook panel now shown (JupyterLab keeps hidden panels in the DOM).
const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

function kernelStatus(page) {
  return page.evaluate((panel) => {
    const indicator = document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`);
    return indicator ? indicator.getAttribute("data-status") : null;
  }, PANEL);
}

async function waitForIdle(page, timeout = STEP_TIMEOUT_MS) {
  await page.waitForFunction((panel) => {
    const indicator = document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`);
    return indicator && indicator.getAttribute("data-status") === "idle";
  }, PANEL, { timeout, polling: 250 });
}

async function menu(page, top, item) {
  await page.click(`.lm-MenuBar-itemLabel:text-is("${top}")`);
  await page.click(`.lm-Menu-itemLabel:text-is("${item}")`);
}

// What each code cell shows in the live page: its prompt and, per output, the renderer's mime type,
// decoded image sizes, tables and progress bars.
function describeCells(page) {
  return page.evaluate((panel) =>
    [...document.querySelectorAll(`${panel} .jp-Cell`)].flatMap((cell, index) => {
      if (!cell.classList.contains("jp-CodeCell")) return [];
      const outputs = [...cell.querySelectorAll(".jp-OutputArea-output")].map((out) => {
        const img = out.querySelector("img");
        return {
          mime: out.getAttribute("data-mime-type") || "",
          img: img ? { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight } : null,
          table: out.querySelector("table") !== null,
          progress: [...out.querySelectorAll("progress")].map((p) => ({ value: p.value, max: p.max })),
          text: out.innerText.slice(0, 160),
        };
      });
      const prompt = (cell.querySelector(".jp-InputPrompt") || {}).innerText || "";
      const source = (cell.querySelector(".cm-content") || {}).innerText || "";
      return [{ index, prompt: prompt.trim(), source: source.slice(0, 60), outputs }];
    }), PANEL);
}

// Appends a code cell below the last one, types `source` (with the editor's own auto-close off: the
// text is inserted as typed keys, then brackets the editor added are removed by selecting all first).
async function newCell(page, source) {
  const cells = page.locator(`${PANEL} .jp-Cell`);
  await cells.last().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Escape");
  await page.keyboard.press("b");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText(source);
  return (await cells.count()) - 1;
}

async function runCellAt(page, index) {
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(({ panel, i }) => {
    const cell = document.querySelectorAll(`${panel} .jp-Cell`)[i];
    return /\[\d+\]/.test((cell.querySelector(".jp-InputPrompt") || {}).innerText || "");
  }, { panel: PANEL, i: index }, { timeout: STEP_TIMEOUT_MS, polling: 250 });
  await waitForIdle(page);
  return (await describeCells(page)).find((c) => c.index === index);
}

async function pickKernel(page) {
  // The toolbar's kernel name opens the "Select Kernel" dialog, as a user clicks it.
  await page.click(`${PANEL} .jp-Toolbar-kernelName`);
  const dialog = page.locator(".jp-Dialog");
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
  const select = dialog.locator("select");
  if (await select.count()) await select.selectOption({ label: KERNEL_DISPLAY_NAME });
  else await dialog.locator(`text=${KERNEL_DISPLAY_NAME}`).first().click();
  await dialog.locator(".jp-Dialog-button.jp-mod-accept").click();
  // The toolbar names the kernel once it is connected; then wait for its first idle.
  await page.waitForFunction(({ panel, name }) => {
    const shown = document.querySelector(`${panel} .jp-Toolbar-kernelName`);
    const indicator = document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`);
    return shown && shown.innerText.trim() === name && indicator && indicator.getAttribute("data-status") === "idle";
  }, { panel: PANEL, name: KERNEL_DISPLAY_NAME }, { timeout: STEP_TIMEOUT_MS, polling: 250 }).catch(() => {});
  const shown = (await page.locator(`${PANEL} .jp-Toolbar-kernelName`).innerText()).trim();
  step("pick kernel", shown === KERNEL_DISPLAY_NAME, { toolbar: shown });
  if (shown !== KERNEL_DISPLAY_NAME) throw new Error(`the kernel picker left "${shown}"`);
}

async function runAll(page) {
  const started = Date.now();
  await menu(page, "Run", "Run All Cells");
  await page.waitForFunction((panel) => {
    const cells = [...document.querySelectorAll(`${panel} .jp-CodeCell`)];
    const numbered = cells.every((c) => /\[\d+\]/.test((c.querySelector(".jp-InputPrompt") || {}).innerText || ""));
    const indicator = document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator`);
    return numbered && indicator && indicator.getAttribute("data-status") === "idle";
  }, PANEL, { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 });
  await page.waitForTimeout(1000); // late display updates settle
  const seconds = (Date.now() - started) / 1000;
  // Save as a user does (Ctrl+S) and read what JupyterLab wrote: error outputs are facts of the file.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+s");
  await page.waitForTimeout(1500);
  const saved = JSON.parse(fs.readFileSync(path.join(serverRoot, current.notebook), "utf8"));
  const codeCells = saved.cells.filter((c) => c.cell_type === "code");
  const errors = codeCells.flatMap((c, i) => c.outputs.filter((o) => o.output_type === "error")
    .map((o) => ({ cell: i, ename: o.ename, evalue: String(o.evalue).slice(0, 200) })));
  const unnumbered = codeCells.map((c, i) => [i, c.execution_count]).filter(([, n]) => typeof n !== "number");
  const cells = await describeCells(page);
  current.cells = cells;
  const outputs = cells.flatMap((c) => c.outputs.map((o) => ({ ...o, cell: c.index })));
  const badImages = outputs.filter((o) => o.img && !(o.img.naturalWidth > 0 && o.img.naturalHeight > 0));
  const unfinishedBars = outputs.filter((o) => o.progress.some((p) => p.value !== p.max));
  step("run all", errors.length === 0 && unnumbered.length === 0 && badImages.length === 0 && unfinishedBars.length === 0, {
    seconds, codeCells: codeCells.length, errors, unnumbered, badImages, unfinishedBars,
    images: outputs.filter((o) => o.img).length, tables: outputs.filter((o) => o.table).length,
    progressBars: outputs.filter((o) => o.progress.length > 0).length,
  });
  // Screenshots: the top, then every cell with an image or a table, up to 12.
  await shot(page, "00-top");
  const shown = cells.filter((c) => c.outputs.some((o) => o.img || o.table)).slice(0, 12);
  for (const cell of shown) {
    await page.evaluate(({ panel, i }) => document.querySelectorAll(`${panel} .jp-Cell`)[i].scrollIntoView({ block: "start" }),
      { panel: PANEL, i: cell.index });
    await page.waitForTimeout(300);
    await shot(page, `cell-${String(cell.index).padStart(2, "0")}`);
  }
}

async function completionAndInspection(page) {
  const imported = await runCellAt(page, await newCell(page, 'import { IForestDetector } from "anomaly-lab";'));
  if (imported.outputs.length > 0) step("import for completion", false, { cell: imported });
  const index = await newCell(page, "new IForestDet");
  await page.keyboard.press("End");
  await page.keyboard.press("Tab");
  // The completer opens when the kernel's complete_reply arrives; a busy machine may need a second Tab.
  await page.locator(".jp-Completer-item").first().waitFor({ timeout: 10_000 }).catch(async () => {
    await page.keyboard.press("Tab");
  });
  // One match completes in place; several show the completer list.
  await page.waitForFunction(({ panel, i }) => {
    const cell = document.querySelectorAll(`${panel} .jp-Cell`)[i];
    const text = (cell.querySelector(".cm-content") || {}).innerText || "";
    const items = [...document.querySelectorAll(".jp-Completer-item")].map((e) => e.innerText);
    return text.includes("IForestDetector") || items.some((t) => t.includes("IForestDetector"));
  }, { panel: PANEL, i: index }, { timeout: 30_000, polling: 250 }).catch(() => {});
  const completion = await page.evaluate(({ panel, i }) => ({
    cell: (document.querySelectorAll(`${panel} .jp-Cell`)[i].querySelector(".cm-content") || {}).innerText,
    items: [...document.querySelectorAll(".jp-Completer-item")].map((e) => e.innerText.trim()).slice(0, 10),
  }), { panel: PANEL, i: index });
  await shot(page, "completion");
  step("tab completion", completion.cell.includes("IForestDetector") || completion.items.some((t) => t.includes("IForestDetector")),
    completion);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("new IForestDetector(");
  await page.keyboard.press("Shift+Tab");
  const tooltip = await page.locator(".jp-Tooltip").first().innerText({ timeout: 30_000 }).catch(() => "");
  await shot(page, "inspection");
  step("shift+tab inspection", /IForestDetector/.test(tooltip), { tooltip: tooltip.slice(0, 300) });
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  // Leave the cell valid, so a later Run All would not trip over it.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("IForestDetector.name");
  await page.keyboard.press("Escape");
}

async function interruptAndRestart(page) {
  const loop = await newCell(page, "while (true) {}");
  await page.keyboard.press("Control+Enter");
  await page.waitForTimeout(2000);
  const busy = { status: await kernelStatus(page), prompt: (await describeCells(page)).find((c) => c.index === loop).prompt };
  await shot(page, "loop-busy");
  await menu(page, "Kernel", "Interrupt Kernel");
  await waitForIdle(page);
  const loopAfter = (await describeCells(page)).find((c) => c.index === loop);
  const sum = await newCell(page, "1 + 1");
  const sumAfterInterrupt = await runCellAt(page, sum);
  await shot(page, "after-interrupt");
  step("interrupt", busy.status === "busy" && busy.prompt.includes("*") &&
    sumAfterInterrupt.outputs.some((o) => o.text.trim() === "2"), { whileLooping: busy, loopCell: loopAfter, next: sumAfterInterrupt });

  await menu(page, "Kernel", "Restart Kernel…");
  await page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click();
  await page.waitForTimeout(1000);
  await waitForIdle(page);
  const sum2 = await newCell(page, "1 + 1");
  const sumAfterRestart = await runCellAt(page, sum2);
  await shot(page, "after-restart");
  step("restart", /\[1\]/.test(sumAfterRestart.prompt) && sumAfterRestart.outputs.some((o) => o.text.trim() === "2"),
    { next: sumAfterRestart });
}

async function shutDownKernel(page) {
  await page.click(`${PANEL} .jp-Notebook`, { position: { x: 5, y: 5 } }).catch(() => {});
  await menu(page, "Kernel", "Shut Down Kernel").catch(() => {});
  const accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept");
  if (await accept.count()) await accept.click();
  await page.waitForTimeout(1000);
}

async function checkNotebook(browser, notebook, index) {
  const interactive = index === 0;
  current = { notebook, steps: [], screenshots: [] };
  summary.notebooks.push(current);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  try {
    // A workspace of its own, reset: only this notebook open and focused (a shared workspace would restore
    // the previous notebooks' tabs and leave the menus acting on another one).
    await page.goto(`${serverUrl}/lab/workspaces/ui-check-${index}/tree/${notebook}?token=test&reset`);
    await page.locator(PANEL).waitFor({ timeout: STEP_TIMEOUT_MS });
    await waitForIdle(page);
    await pickKernel(page);
    await runAll(page);
    if (interactive) {
      await completionAndInspection(page);
      await interruptAndRestart(page);
    }
  } catch (error) {
    step("unexpected error", false, { message: String((error && error.stack) || error) });
    await shot(page, "99-failure").catch(() => {});
  } finally {
    current.pageErrors = pageErrors;
    await shutDownKernel(page).catch(() => {});
    await page.close();
  }
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const [i, notebook] of notebooks.entries()) await checkNotebook(browser, notebook, i);
  } finally {
    fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(summary, null, 2));
    await browser.close();
  }
  const failed = summary.notebooks.filter((n) => n.steps.some((s) => !s.ok)).map((n) => n.notebook);
  console.log(failed.length === 0 ? `ui-check: all ${notebooks.length} notebooks passed` : `ui-check: FAILED ${failed.join(", ")}`);
  if (failed.length > 0) process.exit(1);
}

main();
