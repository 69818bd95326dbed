// The Python the benchmarks run their references in: $ANOMALY_LAB_REFERENCE_PYTHON (the npm scripts set it),
// else the project's .venv-reference from scripts/lib/reference-python.sh (created with pip on first use).
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** The reference Python's path; throws with the script's reason when none can be made. */
export function referencePython(): string {
  const named = process.env.ANOMALY_LAB_REFERENCE_PYTHON;
  if (named !== undefined && named !== "") return named;
  const found = spawnSync("bash", [path.join(ROOT, "scripts", "lib", "reference-python.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (found.status !== 0) throw new Error("no reference Python (scripts/lib/reference-python.sh failed, see above)");
  return found.stdout.trim();
}
