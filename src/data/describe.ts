import { FetchedFile } from "./fetch";

/** Thousands separators for counts in descriptions: 284807 -> "284,807". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * One sentence on where a loaded file came from and how it was checked, appended to each
 * loader's description so that a notebook's printed output records its data provenance.
 *
 * @example describeSource(file); // "File ecg5000/ecg.csv from mirror-folder /work/shared/datasets/ecg5000/ecg.csv (sha256 verified)."
 */
export function describeSource(file: FetchedFile, mirrorPath: string): string {
  const check = file.verification === "verified" ? "sha256 verified" : file.verification;
  return `File ${mirrorPath} from ${file.source} ${file.origin} (${check}).`;
}
