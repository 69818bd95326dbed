/** Class labels of supervised data: numbers or strings, encoded like numpy's `np.unique(y, return_inverse=True)`. */

/** One class label: a finite number or a string (booleans are read as 0 / 1). */
export type ClassLabel = number | string;

/** Labels as notebooks hold them: plain or typed arrays, or a nodejs-polars Series (anything with `toArray()`). */
export type LabelInput = ArrayLike<number | string | boolean> | { toArray(): unknown[] };

/** Labels split into the sorted distinct classes and each row's class number. */
export interface EncodedLabels {
  /** Distinct labels, sorted (numbers ascending, or strings in code-unit order), as `np.unique`. */
  readonly classes: ClassLabel[];
  /** Row i belongs to `classes[codes[i]]`. */
  readonly codes: Int32Array;
  /** Rows per class, in the order of `classes`. */
  readonly counts: number[];
}

/**
 * Validates and encodes class labels. Throws naming the argument and the first bad position
 * (NaN, undefined, objects, numbers mixed with strings).
 * @example encodeLabels([1, 0, 1], "y"); // { classes: [0, 1], codes: Int32Array [1, 0, 1], counts: [1, 2] }
 */
export function encodeLabels(input: LabelInput, name = "y"): EncodedLabels {
  const values = labelValues(input, name);
  if (values.length === 0) throw new RangeError(`${name} is empty: expected at least one label`);
  let kind: "number" | "string" | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const valueKind = typeof value === "string" ? "string" : typeof value === "number" && Number.isFinite(value) ? "number" : undefined;
    if (valueKind === undefined) {
      throw new TypeError(`${name}[${i}] is ${String(value)}: class labels must be finite numbers, strings or booleans`);
    }
    if (kind !== undefined && valueKind !== kind) {
      throw new TypeError(`${name}[${i}] is a ${valueKind} but earlier labels are ${kind}s: use one label type`);
    }
    kind = valueKind;
  }
  const labels = values as ClassLabel[];
  const classes = [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const code = new Map<ClassLabel, number>(classes.map((label, c) => [label, c]));
  const codes = Int32Array.from(labels, (label) => code.get(label) as number);
  const counts = classes.map(() => 0);
  for (const c of codes) counts[c]++;
  return { classes, codes, counts };
}

function labelValues(input: LabelInput, name: string): unknown[] {
  if (input === null || input === undefined) throw new TypeError(`${name}: expected an array of class labels, got ${input}`);
  const values: unknown[] =
    typeof (input as { toArray?: unknown }).toArray === "function" && !ArrayBuffer.isView(input)
      ? (input as { toArray(): unknown[] }).toArray()
      : typeof (input as ArrayLike<unknown>).length === "number"
        ? Array.from(input as ArrayLike<unknown>)
        : (() => {
            throw new TypeError(`${name}: expected an array of class labels`);
          })();
  // Booleans read as 0 / 1; polars Int64 columns come back as bigint.
  return values.map((value) => (typeof value === "boolean" || (typeof value === "bigint" && Number.isSafeInteger(Number(value))) ? Number(value) : value));
}

/**
 * Detector labels (1 = outlier, 0 = inlier) in scikit-learn's outlier convention: -1 for outliers,
 * 1 for inliers, as `IsolationForest.predict` returns them.
 * @example toSklearnOutlierLabels([0, 1, 0]); // Int32Array [1, -1, 1]
 */
export function toSklearnOutlierLabels(labels: ArrayLike<number>): Int32Array {
  return Int32Array.from(labels, (label, i) => {
    if (label !== 0 && label !== 1) throw new RangeError(`labels[${i}] is ${label}: expected 0 (inlier) or 1 (outlier)`);
    return label === 1 ? -1 : 1;
  });
}
