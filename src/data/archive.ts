import * as fs from "node:fs";
import * as path from "node:path";
import { Transform, TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as yauzl from "yauzl";
import { beginPart, endPart, removeStaleParts } from "./part-files";

/** Default cap on the bytes one extraction may write: far above any dataset here, far below a full disk. */
export const DEFAULT_MAX_EXTRACT_BYTES = 2 ** 30;

/** Options of {@link extractZip}. */
export interface ExtractZipOptions {
  /**
   * Entry names to extract, as stored in the archive ("ECG5000_TEST.txt", "dir/file.csv"); all
   * other entries are skipped. A name the archive lacks is an error. Default: every entry.
   */
  only?: readonly string[];
  /** Cap on the total uncompressed bytes written (zip-bomb guard); default 1 GiB. */
  maxBytes?: number;
}

/**
 * A zip archive is unsafe, damaged or lacks an entry. Names the archive and, where one is to
 * blame, the entry. When it is thrown, nothing of the extraction is left on disk.
 *
 * @example
 * catch (e) { if (e instanceof ArchiveError) console.log(e.archive, e.entry, e.problem); }
 */
export class ArchiveError extends Error {
  /** Absolute path of the zip file. */
  readonly archive: string;
  /** Entry name as stored in the archive, or null for a problem of the whole archive. */
  readonly entry: string | null;
  readonly problem: string;

  constructor(archive: string, entry: string | null, problem: string) {
    super(`Zip archive ${archive}${entry === null ? "" : `, entry ${JSON.stringify(entry)}`}: ${problem}. Nothing was extracted.`);
    this.name = "ArchiveError";
    this.archive = archive;
    this.entry = entry;
    this.problem = problem;
  }
}

/** One checked entry of the central directory. */
interface SafeEntry {
  /** Name as stored (decoded), for messages and `only`. */
  name: string;
  /** Normalised relative path with "/" separators, known to stay inside the target. */
  relative: string;
  isDirectory: boolean;
  raw: yauzl.Entry;
}

// Unix file type bits in the high 16 bits of externalFileAttributes (zip "version made by" = Unix).
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Extracts a zip archive into `targetDir` safely, and returns the absolute paths of the files written.
 *
 * Every entry is checked before anything is written, and the whole archive is rejected with an
 * {@link ArchiveError} if one entry is unsafe: an absolute name ("/x", "C:x"), a ".." component,
 * a symlink or other special file, encryption, an unknown compression method, or a duplicate name.
 * The total uncompressed size is capped (`maxBytes`, checked on the declared sizes and again on
 * the bytes actually inflated), and each file's CRC-32 is checked. Files are written to temporary
 * names in their final folder and renamed into place only when all of them are complete, so a
 * failure leaves no partial files (and removes the folders it created). File modes in the archive
 * are ignored: files are created with the default mode.
 *
 * @example
 * const [test] = await extractZip("ECG5000.zip", "data/cache/ecg5000", { only: ["ECG5000_TEST.txt"] });
 * // test === "/.../data/cache/ecg5000/ECG5000_TEST.txt"
 */
export async function extractZip(zipFile: string, targetDir: string, options: ExtractZipOptions = {}): Promise<string[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`extractZip: maxBytes must be a non-negative integer byte count, got ${maxBytes}`);
  }
  if (options.only !== undefined && !(Array.isArray(options.only) && options.only.every((n) => typeof n === "string"))) {
    throw new TypeError("extractZip: only must be an array of entry names");
  }
  const archive = path.resolve(zipFile);
  if (!fs.existsSync(archive)) throw new Error(`File not found: ${archive} (the "zipFile" argument)`);
  const target = path.resolve(targetDir);

  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false so that names reach our own checks (and messages) undecided by yauzl.
    zip = await yauzl.openPromise(archive, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw new ArchiveError(archive, null, `not a readable zip file (${messageOf(error)})`);
  }
  try {
    const entries = await checkedEntries(zip, archive);
    const selected = selectEntries(entries, options.only, archive);
    let declared = 0;
    for (const entry of selected) {
      declared += entry.raw.uncompressedSize;
      if (declared > maxBytes) {
        throw new ArchiveError(archive, entry.name, `would bring the extracted size to ${declared} bytes, over maxBytes = ${maxBytes} (zip bomb?)`);
      }
    }
    return await writeEntries(zip, archive, target, selected, maxBytes);
  } finally {
    zip.close();
  }
}

/** Options of {@link readZipEntries}. */
export interface ReadZipOptions {
  /** Entry names to read, as stored in the archive; a name the archive lacks is an error. Default: every file. */
  only?: readonly string[];
  /** Cap on the total uncompressed bytes read into memory (zip-bomb guard); default 1 GiB. */
  maxBytes?: number;
}

/**
 * Reads the files of a zip archive into memory (nothing is written to disk), with the checks of
 * {@link extractZip}: every entry is vetted first, sizes are capped (declared and actual) and each
 * file's CRC-32 is checked. Folder entries are skipped. Used for NumPy's .npz files (a zip of .npy).
 *
 * @example
 * const files = await readZipEntries("6_cardio.npz"); // Map { "X.npy" => Buffer, "y.npy" => Buffer }
 */
export async function readZipEntries(zipFile: string, options: ReadZipOptions = {}): Promise<Map<string, Buffer>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`readZipEntries: maxBytes must be a non-negative integer byte count, got ${maxBytes}`);
  }
  const archive = path.resolve(zipFile);
  if (!fs.existsSync(archive)) throw new Error(`File not found: ${archive} (the "zipFile" argument)`);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw new ArchiveError(archive, null, `not a readable zip file (${messageOf(error)})`);
  }
  try {
    const files = (await checkedEntries(zip, archive)).filter((entry) => !entry.isDirectory);
    const selected = selectEntries(files, options.only, archive);
    let declared = 0;
    for (const entry of selected) {
      declared += entry.raw.uncompressedSize;
      if (declared > maxBytes) {
        throw new ArchiveError(archive, entry.name, `would bring the size read to ${declared} bytes, over maxBytes = ${maxBytes} (zip bomb?)`);
      }
    }
    const counter = { bytes: 0 };
    const result = new Map<string, Buffer>();
    for (const entry of selected) {
      const chunks: Buffer[] = [];
      await pumpEntry(zip, archive, entry, counter, maxBytes, (chunk) => chunks.push(chunk));
      result.set(entry.name, Buffer.concat(chunks));
    }
    return result;
  } finally {
    zip.close();
  }
}

/** Reads the central directory and checks every entry; one bad entry rejects the archive. */
async function checkedEntries(zip: yauzl.ZipFile, archive: string): Promise<SafeEntry[]> {
  const entries: SafeEntry[] = [];
  const seen = new Set<string>();
  try {
    for await (const raw of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, true);
      const unsafe = (problem: string) => new ArchiveError(archive, name, problem);
      const relative = safeRelativePath(name, unsafe);
      const fileType = (raw.externalFileAttributes >>> 16) & S_IFMT;
      if (fileType === S_IFLNK) throw unsafe("is a symbolic link; links are not extracted (one could point outside the target folder)");
      if (fileType !== 0 && fileType !== S_IFREG && fileType !== S_IFDIR) {
        throw unsafe(`is a special file (Unix mode 0o${fileType.toString(8)}), not a regular file or folder`);
      }
      const isDirectory = name.endsWith("/") || fileType === S_IFDIR;
      if (!isDirectory) {
        if (raw.isEncrypted()) throw unsafe("is encrypted");
        if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
          throw unsafe(`uses compression method ${raw.compressionMethod}; only stored (0) and deflate (8) are supported`);
        }
      }
      if (seen.has(relative)) throw unsafe("appears more than once (after normalisation)");
      seen.add(relative);
      entries.push({ name, relative, isDirectory, raw });
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(archive, null, `damaged central directory (${messageOf(error)})`);
  }
  return entries;
}

/**
 * The entry's path relative to the target, normalised, or the reason it could escape the target.
 * Backslashes count as separators, since Windows tools write them and Windows honours them.
 */
function safeRelativePath(name: string, unsafe: (problem: string) => ArchiveError): string {
  if (name === "") throw unsafe("has an empty name");
  if (name.includes("\0")) throw unsafe("has a NUL character in its name");
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[a-zA-Z]:/.test(slashed)) throw unsafe("has an absolute path");
  if (slashed.split("/").includes("..")) throw unsafe('has a ".." component (it could write outside the target folder)');
  const relative = path.posix.normalize(slashed).replace(/\/+$/, "");
  if (relative === "" || relative === ".") throw unsafe("names the target folder itself");
  return relative;
}

function selectEntries(entries: SafeEntry[], only: readonly string[] | undefined, archive: string): SafeEntry[] {
  if (only === undefined) return entries;
  return only.map((wanted) => {
    const match = entries.find((e) => !e.isDirectory && (e.name === wanted || e.relative === wanted));
    if (match === undefined) {
      const files = entries.filter((e) => !e.isDirectory).map((e) => e.name);
      const listed = files.slice(0, 20).join(", ") + (files.length > 20 ? `, ... (${files.length} files)` : "");
      throw new ArchiveError(archive, wanted, `no such file in the archive; it has: ${listed || "(no files)"}`);
    }
    return match;
  });
}

/** Writes every selected file to a temp name, then renames them all; undoes everything on failure. */
async function writeEntries(zip: yauzl.ZipFile, archive: string, target: string, selected: SafeEntry[], maxBytes: number): Promise<string[]> {
  const createdDirs: string[] = [];
  const temps: string[] = [];
  const ready: { temp: string; destination: string }[] = [];
  const counter = { bytes: 0 };
  try {
    await makeDirs(target, createdDirs);
    const realTarget = await fs.promises.realpath(target);
    for (const entry of selected) {
      const destination = path.join(target, ...entry.relative.split("/"));
      const folder = entry.isDirectory ? destination : path.dirname(destination);
      await makeDirs(folder, createdDirs);
      // A folder that already exists in the target may be a symlink pointing elsewhere.
      const realFolder = await fs.promises.realpath(folder);
      if (realFolder !== realTarget && !realFolder.startsWith(realTarget + path.sep)) {
        throw new ArchiveError(archive, entry.name, `its folder ${folder} resolves to ${realFolder}, outside the target folder ${realTarget}`);
      }
      if (entry.isDirectory) continue;
      // The target may be any folder: only leftovers of the names written here are removed.
      const name = path.basename(destination);
      await removeStaleParts(folder, (finalName) => finalName === name);
      const temp = beginPart(destination);
      temps.push(temp);
      await writeEntry(zip, archive, entry, temp, counter, maxBytes);
      ready.push({ temp, destination });
    }
    for (const { temp, destination } of ready) await fs.promises.rename(temp, destination);
    return ready.map((r) => r.destination);
  } catch (error) {
    await Promise.all(temps.map((t) => fs.promises.rm(t, { force: true })));
    for (const dir of createdDirs.reverse()) await fs.promises.rmdir(dir).catch(() => undefined);
    throw error;
  } finally {
    for (const temp of temps) endPart(temp);
  }
}

async function writeEntry(
  zip: yauzl.ZipFile,
  archive: string,
  entry: SafeEntry,
  temp: string,
  counter: { bytes: number },
  maxBytes: number,
): Promise<void> {
  const out = fs.createWriteStream(temp, { flags: "wx" });
  await pumpEntry(zip, archive, entry, counter, maxBytes, undefined, out);
}

/**
 * Streams one entry through the size and CRC-32 checks into `sink` (a file) or to `onChunk` alone.
 * The declared sizes were checked against maxBytes; the real bytes are counted too, in case they lie.
 */
async function pumpEntry(
  zip: yauzl.ZipFile,
  archive: string,
  entry: SafeEntry,
  counter: { bytes: number },
  maxBytes: number,
  onChunk: ((chunk: Buffer) => unknown) | undefined,
  sink?: NodeJS.WritableStream,
): Promise<void> {
  let crc = 0;
  let bytes = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      counter.bytes += chunk.length;
      if (counter.bytes > maxBytes) {
        callback(new ArchiveError(archive, entry.name, `inflates past maxBytes = ${maxBytes} (zip bomb?)`));
        return;
      }
      crc = crc32(chunk, crc);
      onChunk?.(chunk);
      callback(null, sink === undefined ? undefined : chunk);
    },
  });
  try {
    const stream = await zip.openReadStreamPromise(entry.raw);
    if (sink === undefined) {
      check.resume();
      await pipeline(stream, check);
    } else {
      await pipeline(stream, check, sink);
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(archive, entry.name, `cannot be read (${messageOf(error)})`);
  }
  if (bytes !== entry.raw.uncompressedSize) {
    throw new ArchiveError(archive, entry.name, `has ${bytes} bytes, the archive declares ${entry.raw.uncompressedSize}`);
  }
  if (crc !== entry.raw.crc32) {
    throw new ArchiveError(archive, entry.name, `CRC-32 mismatch (damaged archive): got ${hex(crc)}, declared ${hex(entry.raw.crc32)}`);
  }
}

/** mkdir -p that records each folder it creates, so that a failed extraction can remove them. */
async function makeDirs(dir: string, created: string[]): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      await fs.promises.mkdir(d);
      created.push(d);
    } catch (error) {
      // Another process may have made it meanwhile; anything else (a file in the way) is an error.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !fs.statSync(d).isDirectory()) throw error;
    }
  }
}

// CRC-32 (IEEE, as in zip), table-driven; yauzl does not check file data against the stored CRC.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array, previous: number): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/** An underlying error's message, without a final period, for "(...)" inside our own sentence. */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}
