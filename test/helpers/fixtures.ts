// Reference fixtures written by the scripts in test/reference/ (numpy / scipy / scikit-learn).
import { readFileSync } from "node:fs";
import path from "node:path";

const FIXTURES = path.resolve(__dirname, "..", "fixtures");

/**
 * The parsed JSON of test/fixtures/<name>. Untyped, as JSON.parse is: each test declares the shapes it reads.
 * @example const reference = readFixture("detectors_ecod.json");
 */
export function readFixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8"));
}
