// Run by test/streaming-contract.test.ts in a fresh process: restores each saved stream snapshot with
// restoreStream alone (no detector is built here) and feeds it the rest of its series. Prints, as JSON,
// { name: base64 of the Float64Array of scores }.
import * as fs from "node:fs";
import { restoreStream } from "../../src/index";
import type { StreamSnapshot } from "../../src/index";

/** One stream to continue: its snapshot as JSON text, and the points that follow it. */
export interface ContinueRequest {
  name: string;
  snapshot: string;
  timestamps: number[];
  values: number[];
}

const requests = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as ContinueRequest[];
const results: Record<string, string> = {};
for (const request of requests) {
  const stream = restoreStream(JSON.parse(request.snapshot) as StreamSnapshot);
  const scores = Float64Array.from(request.values, (value, i) => stream.update(request.timestamps[i]!, value));
  results[request.name] = Buffer.from(scores.buffer).toString("base64");
}
process.stdout.write(JSON.stringify(results));
