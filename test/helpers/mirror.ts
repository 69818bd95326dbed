// Where tests find the real datasets: $ANOMALY_LAB_DATA_MIRROR (scripts/test.sh and .ci/run set it), else
// ../shared/datasets beside the project root. Relative values resolve against the project root, as the
// library's loaders do.
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export const MIRROR_ROOT = path.resolve(ROOT, process.env.ANOMALY_LAB_DATA_MIRROR ?? "../shared/datasets");

/** Absolute path of a file in the mirror; throws naming the path and the variable when it is missing. */
export function mirrorFile(...parts: string[]): string {
  const file = path.join(MIRROR_ROOT, ...parts);
  if (!existsSync(file)) {
    throw new Error(`${file} not found: set ANOMALY_LAB_DATA_MIRROR to the datasets mirror (e.g. ../shared/datasets)`);
  }
  return file;
}
