/** Receives download progress; `done` is called once, also after a failure. */
export interface ProgressReporter {
  update(bytes: number): void;
  done(): void;
}

const MIB = 1024 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * A one-line progress display on stderr ("label: 3.1 MiB / 7.5 MiB (41%)"), redrawn with "\r" at
 * most every `intervalMs` so that Jupyter and CI logs are not flooded.
 *
 * @example
 * const progress = stderrProgress("ecg5000/ecg.csv", 7877383);
 * progress.update(1048576); progress.done();
 */
export function stderrProgress(label: string, totalBytes: number | null, intervalMs = 500): ProgressReporter {
  let lastDraw = 0;
  let lastBytes = 0;
  let drawn = false;
  const draw = (bytes: number) => {
    const total = totalBytes === null ? "" : ` / ${formatBytes(totalBytes)} (${Math.floor((100 * bytes) / totalBytes)}%)`;
    process.stderr.write(`\rDownloading ${label}: ${formatBytes(bytes)}${total}`);
    drawn = true;
  };
  return {
    update(bytes: number) {
      lastBytes = bytes;
      const now = Date.now();
      if (now - lastDraw >= intervalMs) {
        lastDraw = now;
        draw(bytes);
      }
    },
    done() {
      if (drawn) {
        draw(lastBytes);
        process.stderr.write("\n");
      }
    },
  };
}

/** A reporter that prints nothing (tests, `progress: false`). */
export const silentProgress: ProgressReporter = { update() {}, done() {} };
