import type { DataSourceKind, FetchedFile } from "./fetch";

/** Thousands separators for counts in descriptions: 284807 -> "284,807". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** How each source kind reads in a description. */
const SOURCE_PHRASE: Record<DataSourceKind, string> = {
  "local-path": "a file you named (path option)",
  cache: "the download cache",
  "mirror-folder": "the mirror folder",
  "mirror-http": "an http mirror",
  "system-package": "an operating-system package (e.g. Debian's dataset-fashion-mnist)",
  upstream: "its public upstream URL",
};

/**
 * One sentence on which file a loader read, where it came from and how it was checked, appended to
 * each loader's description so that a notebook's printed output records its data provenance.
 * It names the dataset's file and the kind of source, never a local path: a shared report should
 * not carry its author's folders. The full path is in `file.path` (and `file.origin`).
 *
 * @example describeSource(file, "ecg5000/ecg.csv"); // "File ecg5000/ecg.csv from the mirror folder (sha256 verified)."
 */
export function describeSource(file: FetchedFile, name: string): string {
  const check = file.verification === "verified" ? "sha256 verified" : file.verification;
  return `File ${name} from ${SOURCE_PHRASE[file.source]} (${check}).`;
}
