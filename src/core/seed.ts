/**
 * The `seed` option, one spelling for every randomised detector and helper (issue #23): an integer seed or a
 * RandomState, as scikit-learn's `random_state`. `random`, the old spelling, still works for one release.
 */
import { RandomState } from "../random/random-state";
import { warnDeprecated } from "./deprecation";
import { describeValue } from "./validation";

/**
 * A source of randomness: an integer in [0, 2**32 - 1] (every fit starts again from `new RandomState(seed)`,
 * so refits repeat), or a {@link RandomState} used and advanced as it is (refits differ, and detectors that
 * share one generator draw different numbers; scikit-learn's `random_state` semantics). For a first fit,
 * `seed: 7` and `seed: new RandomState(7)` give the same result.
 */
export type Seed = number | RandomState;

/** The options of whatever draws random numbers. */
export interface SeedOptions {
  /** Seed or generator of the random draws (see {@link Seed}); omitted: seeded from OS entropy. */
  seed?: Seed;
  /** @deprecated The old spelling of `seed` (same meaning); warns once, goes in the next release. */
  random?: RandomState | number;
}

const EXPECTED = "an integer between 0 and 2**32 - 1 or a RandomState";

/**
 * A valid {@link Seed}, or a TypeError / RangeError naming the option and the value.
 * @example checkSeed(7, "IForestDetector: seed"); // 7
 */
export function checkSeed(seed: unknown, name: string): Seed {
  if (seed instanceof RandomState) return seed;
  if (typeof seed !== "number") throw new TypeError(`${name} must be ${EXPECTED}, got ${describeValue(seed)}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${name} must be ${EXPECTED}, got ${seed}`);
  }
  return seed;
}

/**
 * The checked `seed` of `options` (undefined: none given), reading the deprecated `random` with one warning.
 * @example seedOption({ seed: 7 }, "IForestDetector"); // 7
 */
export function seedOption(options: SeedOptions, context: string): Seed | undefined {
  const { seed, random } = options;
  if (random === undefined) return seed === undefined ? undefined : checkSeed(seed, `${context}: seed`);
  if (seed !== undefined) {
    throw new TypeError(`${context}: pass either seed or random, not both (random is the old spelling of seed)`);
  }
  warnDeprecated("random", 'the option "random"', 'the option "seed", which takes the same number or RandomState');
  return checkSeed(random, `${context}: random`);
}

/**
 * The generator one fit draws from: a fresh `RandomState(seed)` for a number (each fit repeats), the given
 * RandomState itself (advanced by the fit), or one seeded from OS entropy.
 * @example generatorFor(7).randint(0, 10) === new RandomState(7).randint(0, 10); // true
 */
export function generatorFor(seed: Seed | undefined): RandomState {
  return seed instanceof RandomState ? seed : new RandomState(seed);
}

/** numpy's `np.iinfo(np.int32).max`: scikit-learn draws the seeds it hands on below it. */
const MAX_INT32 = 2147483647;

/**
 * An integer seed for code that needs one (TensorFlow.js initialisers): a number as is; a RandomState gives its
 * own seed while it has drawn nothing (so `new RandomState(7)` is 7, as `seed: 7`), else its next draw below
 * 2**31 - 1, and moves on by one draw either way, so detectors sharing a generator differ. Omitted: a random
 * seed below 2**31.
 * @example integerSeed(new RandomState(7)); // 7
 */
export function integerSeed(seed: Seed | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (typeof seed === "number") return seed;
  const fresh = seed.freshSeed();
  const drawn = seed.randint(0, MAX_INT32);
  return fresh ?? drawn;
}
