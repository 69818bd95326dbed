import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "./paths";

/** One file of a dataset, as listed in data/datasets.json. */
export interface RegistryFile {
  /** Dataset id, e.g. "ecg5000". */
  readonly datasetId: string;
  /** File key inside the dataset folder, e.g. "ecg.csv" or "raw/2004.02.12.10.32.39". */
  readonly fileId: string;
  /** `<dataset folder>/<file key>`: the layout of a mirror and of the cache. */
  readonly mirrorPath: string;
  /** Public upstream URLs, tried in order. */
  readonly urls: readonly string[];
  /** Size in bytes, or null when unknown. */
  readonly size: number | null;
  /** Lower-case hex sha256, or null when no checksum is known (the file then loads "unverified"). */
  readonly sha256: string | null;
  /** Where the checksum comes from, when that needs saying. */
  readonly sha256Source: string | null;
  /** Number of data rows (header excluded), when known. */
  readonly rows: number | null;
  readonly description: string;
  /**
   * Absolute paths where an operating-system package installs this file (e.g. Debian's
   * dataset-fashion-mnist), tried after the mirror and before the upstream URLs; empty when none.
   */
  readonly systemPaths: readonly string[];
  /**
   * sha256 of the gunzipped contents of a .gz file, or null: checked by the loader, so that a copy that was
   * recompressed (as Debian does) verifies as well as the upstream bytes.
   */
  readonly contentSha256: string | null;
}

/** One dataset of the registry with its licence, citation and files. */
export interface DatasetInfo {
  readonly id: string;
  readonly title: string;
  /** Folder name in a mirror and in the cache. */
  readonly folder: string;
  readonly licence: string;
  readonly citation: string;
  readonly homepage: string;
  readonly notes: readonly string[];
  readonly files: Readonly<Record<string, RegistryFile>>;
}

let registryMemo: ReadonlyMap<string, DatasetInfo> | undefined;

/** Path of the registry JSON shipped with the package. */
export function registryPath(): string {
  return path.join(packageRoot(), "data", "datasets.json");
}

/**
 * All datasets of the registry (data/datasets.json), validated once and memoised.
 *
 * @example listDatasets().map((d) => d.id); // ["ecg5000", "nasa-ims-bearing-test2", "creditcard-fraud", "nab"]
 */
export function listDatasets(): DatasetInfo[] {
  return [...loadRegistry().values()];
}

/**
 * One dataset's registry entry; unknown ids throw and list the known ones.
 *
 * @example datasetInfo("nab").licence; // "MIT (...)"
 */
export function datasetInfo(datasetId: string): DatasetInfo {
  const registry = loadRegistry();
  const info = registry.get(datasetId);
  if (info === undefined) {
    throw new Error(`Unknown dataset "${datasetId}"; known: ${[...registry.keys()].join(", ")}`);
  }
  return info;
}

/**
 * One file's registry entry; unknown keys throw and list the dataset's files.
 *
 * @example registryFile("ecg5000", "ecg.csv").sha256; // "72ce7b04..."
 */
export function registryFile(datasetId: string, fileId: string): RegistryFile {
  const info = datasetInfo(datasetId);
  const file = info.files[fileId];
  if (file === undefined) {
    throw new Error(`Dataset "${datasetId}" has no file "${fileId}"; known: ${Object.keys(info.files).join(", ")}`);
  }
  return file;
}

function loadRegistry(): ReadonlyMap<string, DatasetInfo> {
  if (registryMemo !== undefined) return registryMemo;
  const file = registryPath();
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  const datasets = field(asObject(raw, file), "datasets", file);
  const result = new Map<string, DatasetInfo>();
  for (const [id, value] of Object.entries(asObject(datasets, `${file}: datasets`))) {
    result.set(id, parseDataset(id, value, file));
  }
  return (registryMemo = result);
}

// The registry is hand-edited JSON: check its shape so a typo fails here, not in a download.
function parseDataset(id: string, value: unknown, file: string): DatasetInfo {
  const where = `${file}: datasets.${id}`;
  const entry = asObject(value, where);
  const folder = asString(field(entry, "folder", where), `${where}.folder`);
  const files: Record<string, RegistryFile> = {};
  for (const [fileId, fileValue] of Object.entries(asObject(field(entry, "files", where), `${where}.files`))) {
    const at = `${where}.files["${fileId}"]`;
    const f = asObject(fileValue, at);
    const urls = field(f, "urls", at);
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === "string" && /^https?:\/\//.test(u))) {
      throw new Error(`${at}.urls must be a non-empty array of http(s) URLs`);
    }
    const size = f["size"] ?? null;
    if (size !== null && !(Number.isSafeInteger(size) && (size as number) >= 0)) {
      throw new Error(`${at}.size must be a byte count or null, got ${JSON.stringify(size)}`);
    }
    const sha256 = f["sha256"] ?? null;
    if (sha256 !== null && !(typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256))) {
      throw new Error(`${at}.sha256 must be 64 lower-case hex digits or null, got ${JSON.stringify(sha256)}`);
    }
    const rows = f["rows"] ?? null;
    if (rows !== null && !Number.isSafeInteger(rows)) throw new Error(`${at}.rows must be an integer or null`);
    const sha256Source = f["sha256Source"] ?? null;
    const systemPaths = f["systemPaths"] ?? [];
    if (!Array.isArray(systemPaths) || !systemPaths.every((p) => typeof p === "string" && p.startsWith("/"))) {
      throw new Error(`${at}.systemPaths must be an array of absolute paths`);
    }
    const contentSha256 = f["contentSha256"] ?? null;
    if (contentSha256 !== null && !(typeof contentSha256 === "string" && /^[0-9a-f]{64}$/.test(contentSha256))) {
      throw new Error(`${at}.contentSha256 must be 64 lower-case hex digits or null, got ${JSON.stringify(contentSha256)}`);
    }
    files[fileId] = {
      datasetId: id,
      fileId,
      mirrorPath: `${folder}/${fileId}`,
      urls: urls as string[],
      size: size as number | null,
      sha256: sha256 as string | null,
      sha256Source: sha256Source === null ? null : asString(sha256Source, `${at}.sha256Source`),
      rows: rows as number | null,
      description: asString(field(f, "description", at), `${at}.description`),
      systemPaths: systemPaths as string[],
      contentSha256: contentSha256 as string | null,
    };
  }
  const notes = entry["notes"] ?? [];
  if (!Array.isArray(notes) || !notes.every((n) => typeof n === "string")) throw new Error(`${where}.notes must be strings`);
  return {
    id,
    title: asString(field(entry, "title", where), `${where}.title`),
    folder,
    licence: asString(field(entry, "licence", where), `${where}.licence`),
    citation: asString(field(entry, "citation", where), `${where}.citation`),
    homepage: asString(field(entry, "homepage", where), `${where}.homepage`),
    notes: notes as string[],
    files,
  };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function field(object: Record<string, unknown>, key: string, where: string): unknown {
  if (!(key in object)) throw new Error(`${where} lacks "${key}"`);
  return object[key];
}

function asString(value: unknown, where: string): string {
  if (typeof value !== "string") throw new Error(`${where} must be a string`);
  return value;
}
