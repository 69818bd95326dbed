/**
 * Old spellings of options and class names keep working for one release, with one warning per process and
 * spelling that names the new one (docs/detectors.md, "Old spellings"): a notebook written for the previous
 * release runs unchanged and says once what to edit, instead of failing at its first cell.
 */

const warned = new Set<string>();

/**
 * Prints `anomaly-lab: <old> is deprecated ...: use <replacement>` with console.warn, the first time the spelling
 * `key` is met in this process only (a loop over detectors or seeds warns once, not once per iteration).
 * @example warnDeprecated("random", 'the option "random"', 'the option "seed" (a number or a RandomState)');
 */
export function warnDeprecated(key: string, old: string, replacement: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`anomaly-lab: ${old} is deprecated and goes in the next release: use ${replacement} (printed once)`);
}

/** Forgets which deprecations were printed (tests of the once-per-process rule). */
export function resetDeprecationWarnings(): void {
  warned.clear();
}
