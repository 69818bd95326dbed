// Child process of the save/restore tests: reads {snapshot, timestamps, values} as JSON on stdin,
// restores the stream in this fresh process and prints the scores of the remaining points as JSON.
import { restoreStream } from "../../src/timeseries/stream-registry";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { snapshot, timestamps, values } = JSON.parse(input) as { snapshot: never; timestamps: number[]; values: number[] };
  const stream = restoreStream(snapshot);
  // JSON keeps every double exactly (shortest round-trip text).
  process.stdout.write(JSON.stringify(values.map((v, i) => stream.update(timestamps[i]!, v))));
});
