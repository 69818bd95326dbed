/**
 * How a notebook should run: in full, or in the quick mode that CI and `npm run reports -- --quick` use.
 *
 * The reports runner sets `ANOMALY_LAB_QUICK=1` in the kernel's environment; notebooks read it here so
 * they can shrink epochs or rows without changing their code path.
 *
 * @example
 * ```ts
 * import { isQuickMode } from "anomaly-lab";
 * const epochs = isQuickMode() ? 2 : 50;
 * ```
 */
export function isQuickMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.ANOMALY_LAB_QUICK ?? "").trim().toLowerCase();
  return value !== "" && value !== "0" && value !== "false" && value !== "no";
}

/** A value chosen by run mode: `pick(full, quick)`. */
export function byRunMode<T>(full: T, quick: T, env: NodeJS.ProcessEnv = process.env): T {
  return isQuickMode(env) ? quick : full;
}
