// The temporary files of downloads and extractions: `<final name>.<pid>-<8 hex>.part`, written next to the
// final file and renamed into place once complete. A process killed mid-write (a kernel restart, kill -9)
// cannot delete its part; the next fetch of the folder removes such leftovers, never a part being written.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const PART_NAME = /^(.+)\.(\d+)-[0-9a-f]{8}\.part$/;

/**
 * Unwritten for this long, a part whose process is gone is a leftover. The wait spares a download that
 * another machine sharing the cache folder is writing (its pid means nothing here).
 */
export const PART_GRACE_MS = 10 * 60_000;
/** Unwritten for this long, a part is a leftover even if a process with its pid runs (pids are reused). */
export const PART_MAX_IDLE_MS = 24 * 3_600_000;

/** Parts this process is writing now (a leftover may carry this process's pid from an earlier life). */
const writing = new Set<string>();

/**
 * A fresh temp path next to `destination`, registered as being written until {@link endPart}.
 *
 * @example const temp = beginPart("/cache/nab/x.csv"); // "/cache/nab/x.csv.4242-9f3a0c1d.part"
 */
export function beginPart(destination: string): string {
  const temp = `${destination}.${process.pid}-${randomBytes(4).toString("hex")}.part`;
  writing.add(path.resolve(temp));
  return temp;
}

/** The part is renamed or deleted: no longer being written. */
export function endPart(temp: string): void {
  writing.delete(path.resolve(temp));
}

/**
 * Deletes the leftover parts in `folder` (of the final names `only` accepts, default all) and returns
 * their paths. A part is a leftover when no write of this process owns it and it has not been written for
 * {@link PART_GRACE_MS} while its pid is not a running process (or is this process), or for
 * {@link PART_MAX_IDLE_MS} whatever its pid. Never throws: a part that cannot be removed stays.
 *
 * @example await removeStaleParts("/home/me/.cache/anomaly-lab/nab/data/realKnownCause"); // ["/.../x.csv.4242-9f3a0c1d.part"]
 */
export async function removeStaleParts(folder: string, only?: (finalName: string) => boolean, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch {
    return []; // no folder yet: nothing left over
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = PART_NAME.exec(name);
    if (match === null || (only !== undefined && !only(match[1]!))) continue;
    const part = path.resolve(folder, name);
    if (writing.has(part)) continue;
    try {
      const idle = now - (await fs.promises.stat(part)).mtimeMs;
      const pid = Number(match[2]);
      const orphan = pid === process.pid || !processRuns(pid);
      if ((orphan && idle >= PART_GRACE_MS) || idle >= PART_MAX_IDLE_MS) {
        await fs.promises.rm(part, { force: true });
        removed.push(part);
      }
    } catch {
      // Gone meanwhile (another process cleaned it) or not ours to delete: leave it.
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}
