/**
 * The stream handle of a sequence detector, in the style of the time-series streams (src/timeseries/stream.ts:
 * `update`, `snapshot`): rows arrive one at a time; until T rows have arrived there is no window and `update`
 * returns undefined, then each row closes the window of the last T rows and `update` returns that window's score,
 * the same number batch scoring gives the window (the network scores each window on its own).
 *
 * The snapshot is plain JSON: the last T - 1 rows (as given, before any scaling), the rows seen and a digest of
 * the fitted model. The model itself is not in it (it is saved by the detector's own `save(folder)`): a snapshot is
 * restored by the detector it came from, or one loaded from that detector's save, and refused by any other.
 */
import type { StreamSnapshot } from "../timeseries/stream";
import { checkSnapshot } from "../timeseries/stream";
import { createMatrix, type Matrix } from "../core/matrix";

/** A live stream of rows through a fitted sequence detector. */
export interface SequenceStream {
  /**
   * Feeds the next row (one value per fitted column); returns undefined while fewer than T rows have arrived,
   * then the score of the window of the last T rows (the window ending at this row).
   */
  update(row: ArrayLike<number>): number | undefined;
  /** Rows fed so far (all of them, not only those remembered). */
  readonly rowsSeen: number;
  /** The state as plain JSON data; the detector's `restore(snapshot)` continues with identical scores. */
  snapshot(): SequenceStreamSnapshot;
}

/** What a {@link SequenceStream} saves: `kind` and `version` as every stream snapshot, then its own fields. */
export interface SequenceStreamSnapshot extends StreamSnapshot {
  readonly timesteps: number;
  readonly columns: number;
  /** Digest of the fitted model the stream scores with (see the module comment). */
  readonly model: string;
  readonly rowsSeen: number;
  /** The last min(rowsSeen, T - 1) rows, oldest first. */
  readonly recent: number[][];
}

/** What a stream needs from its detector. */
export interface WindowScorer {
  /** Names the detector in errors and in the snapshot's `kind`. */
  readonly kind: string;
  readonly timesteps: number;
  readonly columns: number;
  readonly model: string;
  /** Throws (message starting with `where`) when the network cannot take `row`; checked at the row's update. */
  checkRow(row: Float64Array, where: string): void;
  /** The score of the one window that `rows` (exactly T rows) make. */
  scoreWindow(rows: Matrix): number;
}

const VERSION = 1;

/** The stream handle (see the module comment); `snapshot` given: continues that stream. */
export class WindowStream implements SequenceStream {
  private readonly recent: Float64Array[] = [];
  private seen = 0;

  constructor(private readonly scorer: WindowScorer, snapshot?: SequenceStreamSnapshot) {
    if (snapshot !== undefined) this.restore(snapshot);
  }

  get rowsSeen(): number {
    return this.seen;
  }

  update(row: ArrayLike<number>): number | undefined {
    const { timesteps, columns } = this.scorer;
    const values = this.checkRow(row);
    let score: number | undefined;
    if (this.recent.length === timesteps - 1) {
      const window = createMatrix(timesteps, columns);
      this.recent.forEach((past, i) => window.data.set(past, i * columns));
      window.data.set(values, (timesteps - 1) * columns);
      score = this.scorer.scoreWindow(window);
    }
    // Only once the row is scored (or stored) does the stream move on: a refused row leaves it as it was.
    this.recent.push(values);
    if (this.recent.length > timesteps - 1) this.recent.shift();
    this.seen++;
    return score;
  }

  snapshot(): SequenceStreamSnapshot {
    const { kind, timesteps, columns, model } = this.scorer;
    const recent = this.recent.map((row) => Array.from(row));
    return { kind, version: VERSION, timesteps, columns, model, rowsSeen: this.seen, recent };
  }

  private restore(snapshot: SequenceStreamSnapshot): void {
    const { kind, timesteps, columns, model } = this.scorer;
    const who = `${kind}.restore`;
    checkSnapshot(snapshot, kind, VERSION);
    const fitted = `this detector scores windows of ${timesteps} rows of ${columns} columns`;
    if (snapshot.timesteps !== timesteps || snapshot.columns !== columns) {
      const taken = `windows of ${String(snapshot.timesteps)} rows of ${String(snapshot.columns)} columns`;
      throw new RangeError(`${who}: the snapshot is of ${taken}, but ${fitted}`);
    }
    if (snapshot.model !== model) {
      const why = "restore it with the detector that took it, or one loaded from that detector's save";
      const digests = `digest ${String(snapshot.model)}, this one ${model}`;
      throw new RangeError(`${who}: the snapshot was taken on another fitted model (${digests}): ${why}`);
    }
    const seen = snapshot.rowsSeen;
    if (!Number.isInteger(seen) || seen < 0) {
      throw new RangeError(`${who}: snapshot.rowsSeen must be a count of rows, got ${String(seen)}`);
    }
    const kept = Math.min(seen, timesteps - 1);
    if (!Array.isArray(snapshot.recent) || snapshot.recent.length !== kept) {
      const got = Array.isArray(snapshot.recent) ? `${snapshot.recent.length} rows` : String(snapshot.recent);
      const last = `the last ${kept} rows (rowsSeen ${seen}, T = ${timesteps})`;
      throw new RangeError(`${who}: snapshot.recent must hold ${last}, got ${got}`);
    }
    snapshot.recent.forEach((row, i) => this.recent.push(this.checkRow(row, `${who}: snapshot.recent[${i}]`)));
    this.seen = seen;
  }

  /** The row as a Float64Array, after checking its length and values (errors name the row by its position). */
  private checkRow(row: ArrayLike<number>, where = `${this.scorer.kind}: stream update of row ${this.seen}`): Float64Array {
    const { columns } = this.scorer;
    if (row === null || typeof row !== "object" || typeof row.length !== "number") {
      throw new TypeError(`${where}: a row must be an array of ${columns} numbers, got ${String(row)}`);
    }
    if (row.length !== columns) {
      throw new RangeError(`${where} has ${row.length} values, but the detector was fitted on ${columns} columns`);
    }
    const values = new Float64Array(columns);
    for (let j = 0; j < columns; j++) {
      const value = row[j];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new RangeError(`${where}, column ${j} is ${String(value)}: values must be finite numbers`);
      }
      values[j] = value;
    }
    this.scorer.checkRow(values, where);
    return values;
  }
}
