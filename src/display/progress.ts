import { escapeHtml } from "./html-table";
import { inKernel, newDisplayHandle, type DisplayHandle } from "./display";
import type { MimeBundle } from "./mime";

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Label before the bar, e.g. "training". */
  label?: string;
  /** Minimum milliseconds between two redraws (the last step always redraws). Default 200. */
  minIntervalMs?: number;
  /**
   * Where to draw; default: in Jupyter a new display handle (redrawn in place); in a terminal one line
   * redrawn with a carriage return; in a log (stdout not a TTY) only the final line.
   */
  handle?: DisplayHandle;
  /** Clock, for tests. */
  now?: () => number;
}

/** A progress bar that redraws in place; see {@link progressBar}. */
export interface ProgressBar {
  /** Advances to `done` of `total` steps, with an optional status such as "loss 0.0213". */
  update(done: number, status?: string): void;
  /** Marks the bar complete (redraws at total). */
  finish(status?: string): void;
}

/** A terminal "display handle": one line, redrawn in place on a TTY; only the last state in a log file. */
function terminalHandle(): DisplayHandle {
  const tty = process.stdout.isTTY === true;
  return {
    id: "terminal",
    update(value: unknown): void {
      const bundle = (value as { toMimeBundle(): MimeBundle }).toMimeBundle();
      const text = String(bundle["text/plain"]);
      const finished = (value as { finished?: boolean }).finished === true;
      if (tty) process.stdout.write(`\r${text}\x1b[K${finished ? "\n" : ""}`);
      else if (finished) process.stdout.write(`${text}\n`);
    },
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

/**
 * A progress bar for long loops such as training epochs: elapsed time, an estimate of the time left and
 * a status text. In Jupyter it redraws in place (one output updated through its display_id), like tqdm;
 * in the exported HTML the last state remains.
 *
 * @example
 * ```ts
 * const bar = progressBar(epochs, { label: "training" });
 * for (let epoch = 1; epoch <= epochs; epoch++) {
 *   const loss = await trainOneEpoch();
 *   bar.update(epoch, `loss ${loss.toFixed(4)}`);
 * }
 * ```
 */
export function progressBar(total: number, options: ProgressBarOptions = {}): ProgressBar {
  if (!Number.isSafeInteger(total) || total <= 0) {
    throw new RangeError(`progressBar(total): total must be a positive integer, got ${String(total)}`);
  }
  const now = options.now ?? Date.now;
  const handle = options.handle ?? (inKernel() ? newDisplayHandle() : terminalHandle());
  const minInterval = options.minIntervalMs ?? 200;
  const label = options.label ?? "progress";
  const started = now();
  let lastDraw = -Infinity;

  const bundle = (done: number, status: string): MimeBundle => {
    const fraction = done / total;
    const elapsed = (now() - started) / 1000;
    const left = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
    const timing = `${formatSeconds(elapsed)} elapsed${done < total ? `, ~${formatSeconds(left)} left` : ""}`;
    const percent = Math.round(100 * fraction);
    const text = `${label} ${done}/${total} [${"#".repeat(Math.round(30 * fraction)).padEnd(30, ".")}] ${percent}% ${timing}${status ? ` | ${status}` : ""}`;
    const html =
      `<div style="font-family:sans-serif;font-size:13px;display:flex;align-items:center;gap:8px">` +
      `<span>${escapeHtml(label)}</span>` +
      `<progress value="${done}" max="${total}" style="width:240px"></progress>` +
      `<span>${done}/${total} (${percent}%) · ${escapeHtml(timing)}${status ? ` · ${escapeHtml(status)}` : ""}</span></div>`;
    return { "text/html": html, "text/plain": text };
  };

  const draw = (done: number, status: string, force: boolean): void => {
    const time = now();
    if (!force && time - lastDraw < minInterval) return;
    lastDraw = time;
    handle.update({ toMimeBundle: () => bundle(done, status), finished: done === total });
  };

  return {
    update(done: number, status = ""): void {
      if (!Number.isFinite(done) || done < 0 || done > total) {
        throw new RangeError(`progressBar.update(done): done must be in [0, ${total}], got ${String(done)}`);
      }
      draw(done, status, done === total);
    },
    finish(status = ""): void {
      draw(total, status, true);
    },
  };
}
