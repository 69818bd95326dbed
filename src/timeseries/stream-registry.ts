// Restores any saved stream from its snapshot alone: the snapshot names its detector (`kind`: a
// stream kind for the NAB leaders, the class name for the detector family, whose snapshots carry options).
// A service can then keep one JSON document per monitored series and resume after a restart.
import { ArtimeStream } from "./artime/artime";
import { AgreementStream } from "./agreement";
import { ContextualGaussianDetector, RollingZScoreDetector, WindowedGaussianDetector } from "./baselines";
import { CadOseStream } from "./cad-ose";
import { SuppressedDetector } from "./detector";
import { LikelihoodStream } from "./anomaly-likelihood";
import { RandomCutForestStream } from "./rcf";
import { SavedStreamDetector, type NestedStreamClass } from "./saved-stream";
import { SeasonalHybridEsdDetector } from "./shesd-detector";
import { DetectorStream, StreamSnapshot } from "./stream";

/** The detector family's streams: the snapshot's kind is the class, its params and state are a detector file's. */
const DETECTOR_CLASSES: NestedStreamClass[] = [
  WindowedGaussianDetector,
  RollingZScoreDetector,
  ContextualGaussianDetector,
  SeasonalHybridEsdDetector,
  SuppressedDetector,
];

const restoreDetectorStream = (Class: NestedStreamClass, snapshot: StreamSnapshot): DetectorStream =>
  SavedStreamDetector.streamFromSnapshot(Class, snapshot);

const RESTORERS: Record<string, (snapshot: StreamSnapshot) => DetectorStream> = {
  "cad-ose": (s) => CadOseStream.restore(s),
  artime: (s) => ArtimeStream.restore(s),
  "random-cut-forest": (s) => RandomCutForestStream.restore(s),
  "anomaly-likelihood": (s) => LikelihoodStream.restore(s, restoreStream),
  agreement: (s) => AgreementStream.restore(s, restoreStream),
  ...Object.fromEntries(DETECTOR_CLASSES.map((Class) => [Class.name, (s: StreamSnapshot) => restoreDetectorStream(Class, s)])),
};

/**
 * The stream a snapshot was taken from, continuing where it stopped (same scores as if it had
 * never stopped).
 *
 * @example
 * fs.writeFileSync("stream.json", JSON.stringify(stream.snapshot()));
 * // later, in another process:
 * const resumed = restoreStream(JSON.parse(fs.readFileSync("stream.json", "utf8")));
 */
export function restoreStream(snapshot: StreamSnapshot): DetectorStream {
  const kind = snapshot?.kind;
  const restore = typeof kind === "string" ? RESTORERS[kind] : undefined;
  if (restore === undefined) throw new Error(`restoreStream: unknown snapshot kind ${JSON.stringify(kind)} (known: ${Object.keys(RESTORERS).join(", ")})`);
  return restore(snapshot);
}
