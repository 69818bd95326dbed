import { createHash } from "node:crypto";
import { once } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { ChecksumMismatchError } from "./errors";
import { beginPart, endPart } from "./part-files";
import { ProgressReporter, silentProgress } from "./progress";

/** What to download, where to, and what the bytes must be. */
export interface DownloadRequest {
  url: string;
  /** Final path; written only after every check passed (atomic rename of a temp file). */
  destination: string;
  /** Name used in messages, e.g. "ecg5000/ecg.csv". */
  label: string;
  /** Expected sha256, or null when none is known. */
  expectedSha256: string | null;
  /** Expected size in bytes, or null when unknown. */
  expectedSize: number | null;
  progress?: ProgressReporter;
}

/** The server answered with an HTTP error status (404 lets the caller try the next source). */
export class HttpStatusError extends Error {
  readonly status: number;
  constructor(url: string, status: number, statusText: string) {
    super(`HTTP ${status} ${statusText} for ${url}`);
    this.name = "HttpStatusError";
    this.status = status;
  }
}

/**
 * Downloads `url` into a temp file next to `destination`, hashing on the fly, then checks the byte
 * count (against Content-Length and the expected size) and the sha256, and only then renames the
 * temp file into place. On any failure the temp file is deleted, so an interrupted or corrupted
 * download never reaches the cache (a process killed mid-download cannot delete it: the next
 * {@link fetchDatasetFile} of that folder does, see removeStaleParts).
 *
 * @example
 * await downloadVerified({ url, destination: "data/cache/ecg5000/ecg.csv", label: "ecg5000/ecg.csv",
 *   expectedSha256: "72ce7b04...", expectedSize: 7877383 });
 */
export async function downloadVerified(request: DownloadRequest): Promise<{ sha256: string; bytes: number }> {
  const { url, destination, label } = request;
  const progress = request.progress ?? silentProgress;
  await fs.promises.mkdir(path.dirname(destination), { recursive: true });
  const temp = beginPart(destination);
  let bytes = 0;
  try {
    const response = await fetch(url, { redirect: "follow" });
    if (!response.ok) throw new HttpStatusError(url, response.status, response.statusText);
    if (response.body === null) throw new Error(`Empty response body for ${url}`);
    const header = response.headers.get("content-length");
    const announced = header === null ? null : Number(header);
    const total = announced ?? request.expectedSize;

    const hash = createHash("sha256");
    const out = fs.createWriteStream(temp, { flags: "wx" });
    try {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          bytes += chunk.byteLength;
          progress.update(bytes);
          if (!out.write(chunk)) await once(out, "drain");
        }
      } catch (cause) {
        throw new Error(`Download of ${label} from ${url} broke off after ${bytes} bytes${total === null ? "" : ` of ${total}`}: ${describe(cause)}`);
      }
      out.end();
      await once(out, "finish");
    } finally {
      out.destroy();
    }
    if (announced !== null && bytes !== announced) {
      throw new Error(`Download of ${label} from ${url} is truncated: received ${bytes} of ${announced} bytes (Content-Length)`);
    }
    if (request.expectedSize !== null && bytes !== request.expectedSize) {
      throw new Error(`Download of ${label} from ${url} has ${bytes} bytes; the registry expects ${request.expectedSize}`);
    }
    const sha256 = hash.digest("hex");
    if (request.expectedSha256 !== null && sha256 !== request.expectedSha256) {
      throw new ChecksumMismatchError(label, url, request.expectedSha256, sha256, "The download was discarded; the cache is unchanged.");
    }
    await fs.promises.rename(temp, destination);
    return { sha256, bytes };
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  } finally {
    endPart(temp);
    progress.done();
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
}
