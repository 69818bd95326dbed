/** Argument checks shared by detectors, with messages that name the argument and value. */

/**
 * A value as a message shows it: strings quoted and called strings, so that `"0.1"` never reads as the number 0.1.
 * @example describeValue("0.1"); // 'the string "0.1"'
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case "bigint":
      return `the bigint ${value}n`;
    case "boolean":
      return `the boolean ${value}`;
    case "function":
      return "a function";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? "an array" : `an object (${value.constructor?.name ?? "Object"})`;
    default:
      return String(value); // numbers (NaN, -1, Infinity) as themselves; undefined
  }
}

/**
 * Throws a TypeError unless `value` is a number (NaN included: range checks report it), naming what was given:
 * `contamination must be a number, got the string "0.1"`. `expected` replaces "a number" with what the option
 * takes (`"an integer >= 1"`, `'"auto" or a number'`), so a string gets the sentence a bad number would.
 * @example checkNumberType(options.nu, "nu");
 */
export function checkNumberType(value: unknown, name: string, expected = "a number"): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${name} must be ${expected}, got ${describeValue(value)}`);
}

/**
 * PyOD's rule: the expected share of outliers must lie in (0, 0.5].
 * @example checkContamination(0.02); // 0.02
 */
export function checkContamination(contamination: number): number {
  checkNumberType(contamination, "contamination");
  if (!(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(`contamination must be in (0, 0.5], got ${contamination}`);
  }
  return contamination;
}

/**
 * An integer of at least `minimum` (default 1).
 * @example checkInteger(5, "nNeighbors"); // 5
 */
export function checkInteger(value: number, name: string, minimum = 1): number {
  checkNumberType(value, name, `an integer >= ${minimum}`);
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer >= ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * A finite number, optionally strictly above `exclusiveMinimum`.
 * @example checkFiniteNumber(1e-5, "thresh", 0); // 1e-5
 */
export function checkFiniteNumber(value: number, name: string, exclusiveMinimum?: number): number {
  checkNumberType(value, name, "a finite number");
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
  if (exclusiveMinimum !== undefined && !(value > exclusiveMinimum)) {
    throw new RangeError(`${name} must be greater than ${exclusiveMinimum}, got ${value}`);
  }
  return value;
}

/**
 * The one rule for options that take "a count or a fraction" (IsolationForest's `maxSamples` and
 * `maxFeatures`): a number in (0, 1] is a fraction of the total, so 1 means ALL (scikit-learn's
 * 1.0; JavaScript cannot tell 1 from 1.0); an integer >= 2 is a count. A count of one is written
 * as a fraction at most 1 / total. Returns the value after checking it.
 *
 * @example
 * checkCountOrFraction(0.5, "maxSamples"); // 0.5 (half the rows)
 * checkCountOrFraction(1, "maxSamples");   // 1 (all rows)
 * checkCountOrFraction(1.5, "maxSamples"); // RangeError: maxSamples must be a fraction in (0, 1] (1 = all) or an integer count >= 2, got 1.5
 */
export function checkCountOrFraction(value: number, name: string, alternative?: string): number {
  checkNumberType(value, name, alternative === undefined ? "a number" : `${alternative} or a number`);
  if (!Number.isFinite(value) || !(value > 0) || (value > 1 && !Number.isSafeInteger(value))) {
    const also = alternative === undefined ? "" : `${alternative}, `;
    throw new RangeError(`${name} must be ${also}a fraction in (0, 1] (1 = all) or an integer count >= 2, got ${value}`);
  }
  return value;
}

/**
 * Resolves a {@link checkCountOrFraction} value against `total`: a fraction f gives floor(f * total)
 * (1 gives total), a count is returned as is (the caller decides what a count above `total` means).
 * Throws when a fraction selects nothing.
 *
 * @example resolveCountOrFraction(0.5, 301, "maxSamples", "rows"); // 150
 */
export function resolveCountOrFraction(value: number, total: number, name: string, unit: string): number {
  if (value > 1) return value;
  const count = value === 1 ? total : Math.floor(value * total);
  if (count < 1) throw new RangeError(`${name} ${value} of ${total} ${unit} selects none; use a larger fraction`);
  return count;
}
