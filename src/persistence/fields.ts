/**
 * What every saved-detector reader shares: the error "<where>: <field> must be <expected>, got <value>" and the
 * small type tests behind it. Used by the neural model folders (src/nn/model-folder.ts, saved-state.ts) and by
 * the detector files (detector-file.ts, state-reader.ts).
 */

/** Makes the errors "<where>: <field> must be <expected>, got <value>". */
export type FieldError = (name: string, expected: string, value: unknown) => Error;

export function fieldError(where: string): FieldError {
  return (name, expected, value) => new Error(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
}

/** An integer >= 0 (a count, a shape's entry, a version). */
export function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as it stands in JSON, shortened (`undefined` for a missing field). */
export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** "a IForestDetector" reads badly: the article for a class name. */
export function withArticle(name: string): string {
  return `${/^[AEIOU]/i.test(name) ? "an" : "a"} ${name}`;
}
