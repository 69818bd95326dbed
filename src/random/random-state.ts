import { randomInt } from "node:crypto";
import { MT19937 } from "./mt19937";

/** Anything indexable and writable in place: plain arrays and typed arrays. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

const UINT32_MAX = 0xffffffff;

/** The state of a {@link RandomState} (numpy's `get_state()`: key, pos, has_gauss / cached_gaussian). */
export interface RandomStateSnapshot {
  /** The 624 MT19937 state words. */
  readonly key: ArrayLike<number>;
  /** Position of the next word, 0..624. */
  readonly pos: number;
  /** The second normal draw of the last polar-method pair, not yet handed out; null when none. */
  readonly cachedGaussian: number | null;
}

/**
 * A seeded random number generator that reproduces numpy's legacy
 * `np.random.RandomState` draw for draw, so that results computed in Python
 * after `np.random.seed(s)` (tutorial data, scipy's k-means initialisation)
 * can be regenerated exactly in TypeScript.
 *
 * Supported (each mirrors the legacy numpy algorithm, not just its distribution):
 * `randint`, `randomSample`, `uniform`, `permutation`, `shuffle`, `choice`
 * (uniform, with or without replacement), `standardNormal` and `normal`
 * (Marsaglia polar method with the cached second value).
 *
 * `normal` uses `Math.log`/`Math.sqrt`; V8's `log` may differ from glibc's in the
 * last bit for rare arguments, so normal draws match numpy to ~1 ulp, not always bitwise.
 *
 * @example
 * const rng = new RandomState(7);
 * rng.randint(1000, 2500, 5); // [1175, 2220, 1537, 1502, 1211], like np.random.seed(7)
 */
export class RandomState {
  private readonly generator: MT19937;
  private cachedGauss: number | undefined;

  /** @param seed integer in [0, 2**32 - 1]; omitted: seeded from the OS entropy source. */
  constructor(seed?: number) {
    this.generator = new MT19937(seed ?? randomInt(0, 2 ** 32));
  }

  /** Re-seeds in place, exactly like `np.random.seed(seed)` (also clears the cached normal). */
  seed(seed: number): void {
    this.generator.seed(seed);
    this.cachedGauss = undefined;
  }

  /**
   * The seed this generator was seeded with, while it has drawn nothing since; undefined afterwards. Lets code
   * that needs an integer seed (the neural detectors' weight initialisers) read `new RandomState(7)` as 7.
   * @example new RandomState(7).freshSeed(); // 7
   */
  freshSeed(): number | undefined {
    return this.cachedGauss === undefined ? this.generator.freshSeed() : undefined;
  }

  /**
   * The generator's state, numpy's `get_state()` without the name: the 624 MT19937 words, the position in them and
   * the cached second normal draw (`null` when none). {@link setState} or {@link RandomState.fromState} put it back.
   * @example
   * const state = rng.getState();
   * rng.randomSample();
   * rng.setState(state);
   * rng.randomSample(); // the same draw again
   */
  getState(): RandomStateSnapshot {
    const { key, pos } = this.generator.getState();
    return { key, pos, cachedGaussian: this.cachedGauss ?? null };
  }

  /** Puts back a state from {@link getState} (numpy's `set_state`): the same draws follow. */
  setState(state: RandomStateSnapshot): void {
    const cached = state.cachedGaussian;
    if (cached !== null && !Number.isFinite(cached)) {
      throw new RangeError(`RandomState state: cachedGaussian must be a finite number or null, got ${cached}`);
    }
    this.generator.setState(state);
    this.cachedGauss = cached ?? undefined;
  }

  /** A generator in the state `state` ({@link getState}). */
  static fromState(state: RandomStateSnapshot): RandomState {
    const random = new RandomState(0);
    random.setState(state);
    return random;
  }

  /** An independent generator in this one's current state: both give the same draws from here on (Python's deepcopy). */
  copy(): RandomState {
    return RandomState.fromState(this.getState());
  }

  /** Next raw unsigned 32-bit output of MT19937. */
  nextUint32(): number {
    return this.generator.nextUint32();
  }

  /**
   * Uniform doubles in [0, 1) with 53-bit resolution (`random_sample`).
   * @example new RandomState(0).randomSample(); // 0.5488135039273248
   */
  randomSample(): number;
  randomSample(size: number): Float64Array;
  randomSample(size?: number): number | Float64Array {
    if (size === undefined) return this.generator.nextDouble();
    return fill(checkSize(size), () => this.generator.nextDouble());
  }

  /**
   * Uniform doubles in [low, high) computed as `low + (high - low) * u` (legacy `uniform`).
   * @example new RandomState(0).uniform(-1, 1, 3);
   */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, size: number): Float64Array;
  uniform(low = 0, high = 1, size?: number): number | Float64Array {
    checkFinite(low, "low");
    checkFinite(high, "high");
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError(`uniform: high - low overflows (low=${low}, high=${high})`);
    const draw = () => low + range * this.generator.nextDouble();
    return size === undefined ? draw() : fill(checkSize(size), draw);
  }

  /**
   * Integers in [low, high), numpy's legacy masked rejection sampling for int64
   * (mask = smallest 2^k - 1 covering high - low - 1; redraw until in range).
   * Ranges wider than 2**32 are not supported.
   * @example new RandomState(7).randint(1000, 2500); // 1175
   */
  randint(low: number, high: number): number;
  randint(low: number, high: number, size: number): number[];
  randint(low: number, high: number, size?: number): number | number[] {
    if (!Number.isSafeInteger(low)) throw new RangeError(`randint: low must be a safe integer, got ${low}`);
    if (!Number.isSafeInteger(high)) throw new RangeError(`randint: high must be a safe integer, got ${high}`);
    if (low >= high) throw new RangeError(`randint: low >= high (low=${low}, high=${high})`);
    const range = high - low - 1;
    if (range > UINT32_MAX) {
      throw new RangeError(`randint: high - low must be at most 2**32, got ${high - low}`);
    }
    const draw = () => low + this.boundedUint32(range);
    if (size === undefined) return draw();
    const count = checkSize(size);
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = draw();
    return values;
  }

  /**
   * Shuffles in place with numpy's legacy Fisher-Yates order
   * (for i = n-1 .. 1: j = random_interval(i); swap i, j). Returns the same array.
   * @example new RandomState(0).shuffle([1, 2, 3, 4]);
   */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.boundedUint32(i);
      const held = array[i];
      array[i] = array[j];
      array[j] = held;
    }
    return array;
  }

  /**
   * A shuffled `0..n-1` (given a count) or a shuffled copy (given an array), as `permutation`.
   * @example new RandomState(0).permutation(5);
   */
  permutation(n: number): number[];
  permutation<T>(items: readonly T[]): T[];
  permutation<T>(nOrItems: number | readonly T[]): number[] | T[] {
    if (typeof nOrItems === "number") {
      const n = checkSize(nOrItems, "permutation: n");
      return this.shuffle(Array.from({ length: n }, (_, i) => i));
    }
    return this.shuffle([...nOrItems]);
  }

  /**
   * Uniform random sample of `size` indices from `0..n-1` (or items of an array).
   * With `replace: false` (what scipy's k-means uses) it is legacy numpy's
   * `permutation(n).slice(0, size)`; with replacement (numpy's default) it is `randint(0, n, size)`.
   * @example new RandomState(1).choice(100, 4, { replace: false });
   */
  choice(n: number, size: number, options?: { replace?: boolean }): number[];
  choice<T>(items: readonly T[], size: number, options?: { replace?: boolean }): T[];
  choice<T>(population: number | readonly T[], size: number, options: { replace?: boolean } = {}): number[] | T[] {
    const n = typeof population === "number" ? checkSize(population, "choice: n") : population.length;
    const count = checkSize(size, "choice: size");
    if (n === 0 && count > 0) throw new RangeError("choice: cannot take a sample from an empty population");
    const replace = options.replace ?? true;
    let indices: number[];
    if (replace) {
      indices = count === 0 ? [] : this.randint(0, n, count);
    } else {
      if (count > n) {
        throw new RangeError(`choice: cannot take a larger sample (${count}) than the population (${n}) when replace is false`);
      }
      indices = this.permutation(n).slice(0, count);
    }
    return typeof population === "number" ? indices : indices.map((i) => population[i]);
  }

  /**
   * Standard normal draws with legacy numpy's polar method (`legacy_gauss`),
   * which yields two values per accepted pair and caches the second.
   * @example new RandomState(0).standardNormal(); // 1.764052345967664
   */
  standardNormal(): number;
  standardNormal(size: number): Float64Array;
  standardNormal(size?: number): number | Float64Array {
    if (size === undefined) return this.gauss();
    return fill(checkSize(size), () => this.gauss());
  }

  /**
   * Normal draws `loc + scale * z` (legacy `normal`); `scale` must be >= 0.
   * @example new RandomState(0).normal(10, 2, 3);
   */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, size: number): Float64Array;
  normal(loc = 0, scale = 1, size?: number): number | Float64Array {
    checkFinite(loc, "loc");
    checkFinite(scale, "scale");
    if (scale < 0) throw new RangeError(`normal: scale must be non-negative, got ${scale}`);
    const draw = () => loc + scale * this.gauss();
    return size === undefined ? draw() : fill(checkSize(size), draw);
  }

  /** numpy's `random_interval(max)`: uniform integer in [0, max] by masked rejection on uint32. */
  private boundedUint32(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.generator.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  private gauss(): number {
    if (this.cachedGauss !== undefined) {
      const cached = this.cachedGauss;
      this.cachedGauss = undefined;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.generator.nextDouble() - 1.0;
      x2 = 2.0 * this.generator.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.cachedGauss = f * x1;
    return f * x2;
  }
}

function checkSize(size: number, what = "size"): number {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${size}`);
  }
  return size;
}

function checkFinite(value: number, what: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${what} must be a finite number, got ${value}`);
  }
}

function fill(size: number, draw: () => number): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = draw();
  return out;
}
