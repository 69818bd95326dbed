/** Argument checks shared by detectors, with messages that name the argument and value. */

/**
 * PyOD's rule: the expected share of outliers must lie in (0, 0.5].
 * @example checkContamination(0.02); // 0.02
 */
export function checkContamination(contamination: number): number {
  if (typeof contamination !== "number" || !(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(`contamination must be in (0, 0.5], got ${contamination}`);
  }
  return contamination;
}

/**
 * An integer of at least `minimum` (default 1).
 * @example checkInteger(5, "nNeighbors"); // 5
 */
export function checkInteger(value: number, name: string, minimum = 1): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer >= ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * A finite number, optionally strictly above `exclusiveMinimum`.
 * @example checkFiniteNumber(1e-5, "thresh", 0); // 1e-5
 */
export function checkFiniteNumber(value: number, name: string, exclusiveMinimum?: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
  if (exclusiveMinimum !== undefined && !(value > exclusiveMinimum)) {
    throw new RangeError(`${name} must be greater than ${exclusiveMinimum}, got ${value}`);
  }
  return value;
}
