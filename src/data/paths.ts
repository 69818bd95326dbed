import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Env var: folder of the download cache (default `$XDG_CACHE_HOME/anomaly-lab`, else `~/.cache/anomaly-lab`). */
export const DATA_HOME_ENV = "ANOMALY_LAB_DATA_HOME";
/** Env var: a mirror of the dataset files, as a folder path or an http(s) base URL. */
export const DATA_MIRROR_ENV = "ANOMALY_LAB_DATA_MIRROR";

const PACKAGE_NAME = "anomaly-lab";
let packageRootMemo: string | undefined;

/**
 * The root folder of the anomaly-lab package (where data/datasets.json lives). Found by walking
 * up from this module, so it works from src/ (tsx), dist/ (compiled) and node_modules alike.
 *
 * @example packageRoot(); // "/work/main"
 */
export function packageRoot(): string {
  if (packageRootMemo !== undefined) return packageRootMemo;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown }).name;
      if (name === PACKAGE_NAME) return (packageRootMemo = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package.json above ${__dirname}`);
    dir = parent;
  }
}

// Relative env paths are taken from the package root, not the working directory: a notebook runs
// in notebooks/ while tests run in the repo root, and both must see the same folder.
function fromPackageRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(packageRoot(), p);
}

/**
 * The user's cache folder for downloads, shared by every project and checkout and untouched by
 * `npm ci` or upgrades (scikit-learn keeps ~/scikit_learn_data the same way):
 * `$XDG_CACHE_HOME/anomaly-lab` when that is an absolute path (the XDG rule), else `~/.cache/anomaly-lab`.
 *
 * @example userCacheDir({ XDG_CACHE_HOME: "/tmp/xdg" }); // "/tmp/xdg/anomaly-lab"
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, PACKAGE_NAME);
}

/**
 * The cache folder: `override`, else `$ANOMALY_LAB_DATA_HOME`, else {@link userCacheDir}.
 *
 * @example dataHome(); // "/home/me/.cache/anomaly-lab"
 */
export function dataHome(override?: string): string {
  if (override !== undefined && override !== "") return path.resolve(override);
  const fromEnv = process.env[DATA_HOME_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromPackageRoot(fromEnv);
  return userCacheDir();
}

/** A configured mirror: a local folder used in place, or an http(s) server downloaded from. */
export type Mirror = { kind: "folder"; root: string } | { kind: "http"; baseUrl: string };

/**
 * Interprets a mirror setting: `value` if given (`null` = no mirror), else `$ANOMALY_LAB_DATA_MIRROR`.
 * Strings starting with http:// or https:// are base URLs; anything else is a folder.
 *
 * @example resolveMirror("../shared/datasets"); // { kind: "folder", root: "/work/shared/datasets" }
 */
export function resolveMirror(value?: string | null): Mirror | undefined {
  const setting = value === undefined ? process.env[DATA_MIRROR_ENV] : value;
  if (setting === null || setting === undefined || setting.trim() === "") return undefined;
  const trimmed = setting.trim();
  if (/^https?:\/\//i.test(trimmed)) return { kind: "http", baseUrl: trimmed.replace(/\/+$/, "") };
  // An explicit argument is relative to the working directory, like any path a user types.
  const root = value === undefined ? fromPackageRoot(trimmed) : path.resolve(trimmed);
  return { kind: "folder", root };
}
