// An ensemble of two streaming detectors built on the streaming contract: the primary detector's
// alarms, weighted by how much a second, different detector agrees with them. ARTime's alarms are
// sparse and confident but a third of them fall outside any NAB window; CAD OSE, which sees the
// same series through learnt contexts rather than clusters of wavelet features, fires near most
// true alarms and far from most false ones. Scaling ARTime's confidence by CAD OSE's recent
// maximum ranks the agreed alarms first, so NAB's threshold sweep can drop the rest.
import { RingBuffer } from "./detector";
import { checkPoint, checkSnapshot, DetectorStream, SeriesSummary, StreamingDetector, StreamSnapshot } from "./stream";

/** How the second detector's opinion weighs on the first's score. */
export interface AgreementOptions {
  /** Points of the confirming detector's recent scores looked at (its maximum counts; default 50). */
  window?: number;
  /** Share of the score that depends on agreement: primary × ((1 − weight) + weight × recent max) (default 0.5). */
  weight?: number;
}

const SNAPSHOT_KIND = "agreement";
const SNAPSHOT_VERSION = 1;

/** A stream of the agreement ensemble. */
export class AgreementStream implements DetectorStream {
  private readonly recent: RingBuffer;

  constructor(
    private readonly primary: DetectorStream,
    private readonly confirm: DetectorStream,
    readonly options: Required<AgreementOptions>,
  ) {
    this.recent = new RingBuffer(options.window);
  }

  update(timestamp: number, value: number): number {
    checkPoint("AgreementStream", timestamp, value);
    const a = this.primary.update(timestamp, value);
    const c = this.confirm.update(timestamp, value);
    this.recent.push(c);
    if (a === 0) return 0;
    let max = 0;
    for (const s of this.recent.toArray()) if (s > max) max = s;
    return a * (1 - this.options.weight + this.options.weight * Math.min(1, max));
  }

  snapshot(): StreamSnapshot {
    return {
      kind: SNAPSHOT_KIND,
      version: SNAPSHOT_VERSION,
      options: { ...this.options },
      primary: this.primary.snapshot(),
      confirm: this.confirm.snapshot(),
      recent: this.recent.toArray(),
    };
  }

  /** Restores the ensemble; `restoreInner` rebuilds each inner stream (e.g. restoreStream). */
  static restore(snapshot: StreamSnapshot, restoreInner: (inner: StreamSnapshot, role: "primary" | "confirm") => DetectorStream): AgreementStream {
    checkSnapshot(snapshot, SNAPSHOT_KIND, SNAPSHOT_VERSION);
    const s = snapshot as StreamSnapshot & { options: Required<AgreementOptions>; primary: StreamSnapshot; confirm: StreamSnapshot; recent: number[] };
    const stream = new AgreementStream(restoreInner(s.primary, "primary"), restoreInner(s.confirm, "confirm"), checkOptions(s.options));
    if (!Array.isArray(s.recent) || s.recent.length > s.options.window) {
      throw new Error(`AgreementStream.restore: recent must hold at most ${s.options.window} scores`);
    }
    for (const x of s.recent) stream.recent.push(x);
    return stream;
  }
}

function checkOptions(options: AgreementOptions): Required<AgreementOptions> {
  const o = { window: 50, weight: 0.5, ...options };
  if (!Number.isInteger(o.window) || o.window < 1) throw new Error(`AgreementDetector: window must be a positive integer, got ${o.window}`);
  if (!(o.weight >= 0 && o.weight <= 1)) throw new Error(`AgreementDetector: weight must be in [0, 1], got ${o.weight}`);
  return o;
}

/**
 * `primary`'s score × ((1 − weight) + weight × the highest score of `confirm` over the last
 * `window` points). Both detectors see every point; the score is 0 wherever the primary's is.
 *
 * @example
 * // anomaly-lab's NAB entry: ARTime confirmed by CAD OSE
 * const ours = new AgreementDetector(new ArtimeDetector(), new ContextOseDetector(), { window: 50, weight: 0.5 });
 * const scores = streamScores(ours, taxi.values, taxi.timestamps);
 */
export class AgreementDetector implements StreamingDetector {
  readonly name: string;
  readonly options: Required<AgreementOptions>;
  constructor(
    readonly primary: StreamingDetector,
    readonly confirm: StreamingDetector,
    options: AgreementOptions = {},
  ) {
    this.options = checkOptions(options);
    this.name = `${primary.name} confirmed by ${confirm.name}`;
  }

  open(summary: SeriesSummary): AgreementStream {
    return new AgreementStream(this.primary.open(summary), this.confirm.open(summary), this.options);
  }

  restore(snapshot: StreamSnapshot): AgreementStream {
    return AgreementStream.restore(snapshot, (inner, role) => (role === "primary" ? this.primary : this.confirm).restore(inner));
  }
}
