// Restores any saved stream from its snapshot alone: the snapshot names its detector (`kind`).
// A service can then keep one JSON document per monitored series and resume after a restart.
import { ArtimeStream } from "./artime/artime";
import { AgreementStream } from "./agreement";
import { CadOseStream } from "./cad-ose";
import { LikelihoodStream } from "./anomaly-likelihood";
import { RandomCutForestStream } from "./rcf";
import { DetectorStream, StreamSnapshot } from "./stream";

const RESTORERS: Record<string, (snapshot: StreamSnapshot) => DetectorStream> = {
  "cad-ose": (s) => CadOseStream.restore(s),
  artime: (s) => ArtimeStream.restore(s),
  "random-cut-forest": (s) => RandomCutForestStream.restore(s),
  "anomaly-likelihood": (s) => LikelihoodStream.restore(s, restoreStream),
  agreement: (s) => AgreementStream.restore(s, restoreStream),
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
