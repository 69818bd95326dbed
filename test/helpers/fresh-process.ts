// Runs a test helper script in a fresh Node process on a JSON manifest and returns what it prints (JSON): how the
// save/load and stream-restore tests prove that nothing but the files crosses the process boundary.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Writes `requests` to `manifest`, runs test/helpers/<helper> on it in a new process, and parses its stdout. */
export function runInFreshProcess<T>(helper: string, requests: unknown, manifest: string, timeoutMs: number, what: string): T {
  fs.writeFileSync(manifest, JSON.stringify(requests));
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "test", "helpers", helper), manifest], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
  assert.equal(child.status, 0, `${what} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}
