import * as fs from "node:fs";
import * as path from "node:path";
import { sha256OfFile } from "./checksum";
import { downloadVerified, HttpStatusError } from "./download";
import { ChecksumMismatchError, DatasetUnavailableError } from "./errors";
import { removeStaleParts } from "./part-files";
import { dataHome, DATA_MIRROR_ENV, Mirror, resolveMirror } from "./paths";
import { silentProgress, stderrProgress } from "./progress";
import { datasetInfo, RegistryFile, registryFile } from "./registry";

/** Where a loaded file came from. */
export type DataSourceKind = "local-path" | "cache" | "mirror-folder" | "mirror-http" | "system-package" | "upstream";

/** Options shared by every loader. */
export interface FetchOptions {
  /** An explicit local file to load instead of the registry's sources (relative to the working directory). */
  path?: string;
  /** Mirror folder or http(s) base URL; default `$ANOMALY_LAB_DATA_MIRROR`; `null` disables the mirror. */
  mirror?: string | null;
  /** Cache folder; default `$ANOMALY_LAB_DATA_HOME`, else `$XDG_CACHE_HOME/anomaly-lab` or `~/.cache/anomaly-lab`. */
  dataHome?: string;
  /** Whether the public upstream URLs may be used (default true). */
  allowUpstream?: boolean;
  /** Progress line on stderr while downloading (default true). */
  progress?: boolean;
}

/** A file ready to read, with where it came from and how it was checked. */
export interface FetchedFile {
  datasetId: string;
  /** Registry file key, e.g. "ecg.csv"; for an explicit path, the registry file it matched, if any. */
  fileId: string | null;
  /** Local path to read (full path: descriptions show only the dataset's file name, see describeSource). */
  path: string;
  source: DataSourceKind;
  /** Full path or URL the bytes came from. */
  origin: string;
  sha256: string;
  /** "verified", "unverified: no checksum known", or why an explicit file is unverified. */
  verification: string;
}

const VERIFIED = "verified";
const NO_CHECKSUM = "unverified: no checksum known";

/**
 * Makes one registry file available locally and verified. Sources, in order: `options.path`;
 * the cache (no network when present and verified); the mirror (a folder is used in place, an
 * http mirror is downloaded into the cache); files an operating-system package installed (the
 * registry's `systemPaths`, used in place); the upstream URLs. Downloads are checked and renamed
 * atomically (see {@link downloadVerified}); a checksum mismatch anywhere throws
 * {@link ChecksumMismatchError}. Leftover temp files of killed downloads in the file's cache folder
 * are deleted first (see {@link removeStaleParts}).
 *
 * @example
 * const f = await fetchDatasetFile("ecg5000", "ecg.csv");
 * f.source; // "mirror-folder" with ANOMALY_LAB_DATA_MIRROR=../shared/datasets
 */
export async function fetchDatasetFile(datasetId: string, fileId: string, options: FetchOptions = {}): Promise<FetchedFile> {
  const entry = registryFile(datasetId, fileId);
  if (options.path !== undefined) return describeLocalFile(datasetId, options.path);

  const label = entry.mirrorPath;
  const base = { datasetId, fileId, sha256: "", verification: VERIFIED };
  const cached = path.join(dataHome(options.dataHome), ...entry.mirrorPath.split("/"));
  const attempts: string[] = [];
  // Temp files of downloads into this folder that were killed before they could delete them.
  await removeStaleParts(path.dirname(cached));

  if (fs.existsSync(cached)) {
    const sha256 = await sha256OfFile(cached);
    if (entry.sha256 === null) return { ...base, path: cached, source: "cache", origin: cached, sha256, verification: NO_CHECKSUM };
    if (sha256 === entry.sha256) return { ...base, path: cached, source: "cache", origin: cached, sha256 };
    // Our own cache only ever receives verified files, so this one was changed by hand; a fresh
    // verified copy will replace it (atomic rename) below.
    attempts.push(`cache ${cached}: sha256 ${sha256} differs from ${entry.sha256}; fetching a fresh copy`);
  } else {
    attempts.push(`cache ${cached}: not present`);
  }

  const download = async (url: string, source: DataSourceKind): Promise<FetchedFile | undefined> => {
    try {
      const { sha256 } = await downloadVerified({
        url,
        destination: cached,
        label,
        expectedSha256: entry.sha256,
        expectedSize: entry.size,
        progress: options.progress === false ? silentProgress : stderrProgress(label, entry.size),
      });
      return { ...base, path: cached, source, origin: url, sha256, verification: entry.sha256 === null ? NO_CHECKSUM : VERIFIED };
    } catch (error) {
      // A wrong checksum is never "try elsewhere": it means the source serves different bytes.
      if (error instanceof ChecksumMismatchError) throw error;
      attempts.push(`${source} ${url}: ${error instanceof HttpStatusError ? `HTTP ${error.status}` : describeError(error)}`);
      return undefined;
    }
  };

  const mirror: Mirror | undefined = resolveMirror(options.mirror);
  if (mirror === undefined) {
    attempts.push(`mirror: none configured (${DATA_MIRROR_ENV})`);
  } else if (mirror.kind === "folder") {
    const inMirror = path.join(mirror.root, ...entry.mirrorPath.split("/"));
    if (fs.existsSync(inMirror)) return verifyInPlace(entry, inMirror, "mirror-folder");
    attempts.push(`mirror-folder ${inMirror}: not present`);
  } else {
    const url = `${mirror.baseUrl}/${entry.mirrorPath.split("/").map(encodeURIComponent).join("/")}`;
    const fetched = await download(url, "mirror-http");
    if (fetched !== undefined) return fetched;
  }

  for (const systemPath of entry.systemPaths) {
    if (fs.existsSync(systemPath)) return verifyInPlace(entry, systemPath, "system-package");
    attempts.push(`system-package ${systemPath}: not present`);
  }

  if (options.allowUpstream === false) {
    attempts.push("upstream: disabled (allowUpstream: false)");
  } else {
    for (const url of entry.urls) {
      const fetched = await download(url, "upstream");
      if (fetched !== undefined) return fetched;
    }
  }
  throw new DatasetUnavailableError(label, attempts, howToGet(entry));
}

/**
 * Describes a user-supplied file of a dataset: its sha256 and whether it equals a registry file.
 * Never throws for a mismatch, since an explicit file may be a legitimate other version.
 *
 * @example (await describeLocalFile("creditcard-fraud", "creditcard.csv")).verification;
 */
export async function describeLocalFile(datasetId: string, filePath: string): Promise<FetchedFile> {
  const resolved = path.resolve(filePath);
  if (!fs.existsSync(resolved)) throw new Error(`File not found: ${resolved} (the "path" argument)`);
  if (!fs.statSync(resolved).isFile()) throw new Error(`Not a file: ${resolved} (the "path" argument)`);
  const sha256 = await sha256OfFile(resolved);
  const match = Object.values(datasetInfo(datasetId).files).find((f) => f.sha256 === sha256);
  return {
    datasetId,
    fileId: match?.fileId ?? null,
    path: resolved,
    source: "local-path",
    origin: resolved,
    sha256,
    verification:
      match === undefined
        ? `unverified: explicit path, sha256 ${sha256} matches no registry file of ${datasetId}`
        : `verified: explicit path equals registry file ${match.mirrorPath}`,
  };
}

async function verifyInPlace(entry: RegistryFile, filePath: string, source: DataSourceKind): Promise<FetchedFile> {
  const sha256 = await sha256OfFile(filePath);
  const base = { datasetId: entry.datasetId, fileId: entry.fileId, path: filePath, source, origin: filePath, sha256 };
  if (entry.sha256 === null) return { ...base, verification: NO_CHECKSUM };
  if (sha256 !== entry.sha256) {
    throw new ChecksumMismatchError(entry.mirrorPath, filePath, entry.sha256, sha256, source === "system-package" ? "The installed package's file was not used; reinstall the package." : "The mirror file was not used; fix or remove it.");
  }
  return { ...base, verification: VERIFIED };
}

function howToGet(entry: RegistryFile): string {
  return (
    `Get ${entry.mirrorPath} from ${entry.urls.join(" or ")} and either pass its location as { path }, ` +
    `put it at <mirror>/${entry.mirrorPath} with ${DATA_MIRROR_ENV} set, or at <cache>/${entry.mirrorPath}. See docs/datasets.md.`
  );
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
