// Run in a fresh process by test/detectors-every-class.test.ts: loads every saved detector named in the manifest
// (argv[2]) twice, with `loadDetector(path)` and with its own class's static `load(path)`, scores with each and
// prints one JSON object. Scores travel as base64 of their float64 bytes, so that every bit (-0, NaN) survives.
import * as fs from "node:fs";
import * as library from "../../src/index";
import { float64Base64, paramsText, type LoadedOutcome, type LoadRequest } from "./every-detector";

type Loadable = library.AnyDetector | library.TimeSeriesDetector;

function outcome(detector: Loadable, request: LoadRequest): LoadedOutcome {
  const common = { className: detector.constructor.name, params: paramsText(detector.getParams()) };
  if (request.kind === "time series") {
    const ts = detector as library.TimeSeriesDetector;
    const { values, timestamps } = request.stream!;
    const streamed = values.map((value, i) => ts.update(value, timestamps[i]));
    const entire = ts.detectEntire(request.series!.values, request.series!.timestamps);
    return { ...common, streamed: float64Base64(streamed), entire: float64Base64(entire) };
  }
  const fitted = detector as library.AnyDetector;
  return {
    ...common,
    scores: float64Base64(fitted.score(request.rows!)),
    trainingScores: float64Base64(fitted.trainingScores),
    threshold: fitted.threshold,
    labels: Array.from(fitted.labels),
    featureNames: fitted.featureNames ?? null,
  };
}

async function main(): Promise<void> {
  const requests = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as LoadRequest[];
  const results: Record<string, { generic: LoadedOutcome; own: LoadedOutcome }> = {};
  for (const request of requests) {
    const Class = (library as unknown as Record<string, { load(path: string): Loadable | Promise<Loadable> }>)[request.name];
    const generic = outcome(await library.loadDetector(request.path), request);
    const own = outcome(await Class.load(request.path), request);
    results[request.name] = { generic, own };
  }
  process.stdout.write(JSON.stringify(results));
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
