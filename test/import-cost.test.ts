// Issue #26: `import { ... } from "anomaly-lab"` is a notebook's first cell, so the library's index loads only
// what every notebook needs; TensorFlow.js, vega and stdlib's distributions load when a function needs them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const HEAVY = ["@tensorflow/", "/vega/", "/vega-lite/", "@stdlib/"];

/** Runs `script` in a fresh node (src/ through tsx); returns the heavy packages it left in require.cache. */
function heavyModulesAfter(script: string): string[] {
  const probe = `${script}
const heavy = ${JSON.stringify(HEAVY)};
const loaded = new Set(Object.keys(require.cache).flatMap((file) => heavy.filter((name) => file.includes(name))));
console.log(JSON.stringify([...loaded].sort()));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "[]") as string[];
}

test("importing the library loads no TensorFlow.js, vega or stdlib module; ESD loads stdlib's t quantile when it runs", () => {
  assert.deepEqual(heavyModulesAfter('const lab = require("./src/index.ts");'), []);
  const esd = 'const lab = require("./src/index.ts");\nlab.generalizedEsd([1, 2, 1, 2, 1, 9, 1, 2, 1, 2], { maxAnoms: 1 });';
  assert.deepEqual(heavyModulesAfter(esd), ["@stdlib/"]);
});
