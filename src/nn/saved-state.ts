/**
 * The `state` of a saved neural detector (detector.json), checked field by field when it is loaded: a folder
 * edited by hand or damaged is refused with the file and the field named, before any network is built, instead
 * of failing later with a bare TypeError or loading with a wrong threshold (null training scores used to give 0).
 */
import { checkInputScaling, type ColumnAffine } from "./input-scaling";
import { fieldError, isCount, isPlainObject, type FieldError } from "./model-folder";
import type { TrainingHistory } from "./training";

/** What a neural detector saves besides its network. */
export interface SavedState {
  /** Constructor options (the class checks their values). */
  readonly options: Record<string, unknown>;
  /** Columns of the training rows. */
  readonly cols: number;
  /** Column names of a DataFrame fit (absent in folders saved before names were saved, and after a matrix fit). */
  readonly featureNames: readonly string[] | undefined;
  readonly affine: ColumnAffine;
  readonly trainingScores: readonly number[];
  readonly history: TrainingHistory;
}

/** `state` checked; `where` names the file in errors ("AutoencoderDetector.load: <folder>/detector.json"). */
export function checkSavedState(state: Record<string, unknown>, where: string): SavedState {
  const field = fieldError(where);
  if (!isPlainObject(state.options)) throw field("state.options", "an object", state.options);
  const cols = state.cols;
  if (!isCount(cols) || cols < 1) throw field("state.cols", "an integer >= 1", cols);
  return {
    options: state.options,
    cols,
    featureNames: checkFeatureNames(state.featureNames, cols, field),
    affine: checkAffine(state.affine, cols, field),
    trainingScores: checkTrainingScores(state.trainingScores, field),
    history: checkHistory(state.history, field),
  };
}

/** null or absent (a matrix fit, or a folder saved before names were saved), or one name per column. */
function checkFeatureNames(names: unknown, cols: number, field: FieldError): string[] | undefined {
  if (names === undefined || names === null) return undefined;
  if (!(Array.isArray(names) && names.length === cols && names.every((name) => typeof name === "string"))) {
    throw field("state.featureNames", `null or ${cols} strings (state.cols)`, names);
  }
  return names as string[];
}

function checkAffine(affine: unknown, cols: number, field: FieldError): ColumnAffine {
  if (!isPlainObject(affine)) throw field("state.affine", "an object", affine);
  let kind: ColumnAffine["kind"];
  try {
    kind = checkInputScaling(affine.kind, "state.affine.kind");
  } catch {
    throw field("state.affine.kind", '"none", "standard" or "minmax"', affine.kind);
  }
  const column = (name: "factor" | "shift"): number[] => {
    const values = affine[name];
    if (!(Array.isArray(values) && values.length === cols && values.every(Number.isFinite))) {
      throw field(`state.affine.${name}`, `${cols} finite numbers (state.cols)`, values);
    }
    return values as number[];
  };
  return { kind, factor: column("factor"), shift: column("shift") };
}

/** Finite numbers, at least one: the threshold is recomputed from them (JSON writes a non-finite number as null). */
function checkTrainingScores(scores: unknown, field: FieldError): number[] {
  if (!(Array.isArray(scores) && scores.length > 0)) {
    throw field("state.trainingScores", "a non-empty array of numbers", scores);
  }
  scores.forEach((score: unknown, i) => {
    if (!Number.isFinite(score)) throw field(`state.trainingScores[${i}]`, "a finite number", score);
  });
  return scores as number[];
}

function checkHistory(history: unknown, field: FieldError): TrainingHistory {
  if (!isPlainObject(history)) throw field("state.history", "an object", history);
  const numbers = (name: string, value: unknown, nullable = false): number[] => {
    // A validation loss may have been non-finite, which JSON writes as null: it comes back as NaN.
    if (!(Array.isArray(value) && value.every((v) => typeof v === "number" || (nullable && v === null)))) {
      throw field(`state.history.${name}`, "an array of numbers", value);
    }
    return value.map((v: number | null) => v ?? Number.NaN);
  };
  const integer = (name: "bestEpoch" | "trainRows" | "validationRows"): number => {
    const value = history[name];
    if (!isCount(value)) throw field(`state.history.${name}`, "an integer >= 0", value);
    return value;
  };
  const { stoppedEarly, seconds } = history;
  if (typeof stoppedEarly !== "boolean") throw field("state.history.stoppedEarly", "true or false", stoppedEarly);
  if (!(typeof seconds === "number" && seconds >= 0)) throw field("state.history.seconds", "a number >= 0", seconds);
  if (typeof history.backend !== "string") throw field("state.history.backend", "a backend name", history.backend);
  const checked: TrainingHistory & { losses?: Record<string, number[]> } = {
    loss: numbers("loss", history.loss),
    valLoss: numbers("valLoss", history.valLoss, true),
    bestEpoch: integer("bestEpoch"),
    stoppedEarly,
    seconds,
    trainRows: integer("trainRows"),
    validationRows: integer("validationRows"),
    backend: history.backend,
  };
  // Adversarial training's named losses per epoch (AdversarialHistory).
  if (history.losses !== undefined) {
    if (!isPlainObject(history.losses)) throw field("state.history.losses", "an object of loss arrays", history.losses);
    const named = Object.entries(history.losses).map(([name, values]) => [name, numbers(`losses.${name}`, values)]);
    checked.losses = Object.fromEntries(named);
  }
  return checked;
}
