import { createHash } from "node:crypto";
import * as fs from "node:fs";

// Hashing a 150 MB file takes a noticeable fraction of a second; a notebook may load the same
// file many times, so remember digests for files whose size and mtime have not changed.
const digestMemo = new Map<string, string>();

/**
 * sha256 (lower-case hex) of a file, streamed so that large files need no large buffer.
 *
 * @example await sha256OfFile("data/cache/ecg5000/ecg.csv"); // "72ce7b04..."
 */
export async function sha256OfFile(filePath: string): Promise<string> {
  const stat = await fs.promises.stat(filePath);
  const key = `${filePath}\0${stat.size}\0${stat.mtimeMs}`;
  const memo = digestMemo.get(key);
  if (memo !== undefined) return memo;
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  digestMemo.set(key, digest);
  return digest;
}
