/**
 * The Mersenne Twister MT19937 bit generator, bit-for-bit compatible with the
 * one behind numpy's legacy `np.random.RandomState` (Matsumoto & Nishimura's
 * reference `init_genrand` / `genrand_int32`).
 */

const STATE_SIZE = 624;
const SHIFT = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * Raw MT19937 generator producing unsigned 32-bit integers.
 *
 * @example
 * const mt = new MT19937(7);
 * mt.nextUint32(); // 327741615, as numpy's RandomState(7).randint(0, 2**32, dtype="uint32")
 */
export class MT19937 {
  private readonly state = new Uint32Array(STATE_SIZE);
  private position = STATE_SIZE;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** Re-initialises the state with the reference `init_genrand(seed)`, as `np.random.seed(int)`. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = mt[i - 1];
      // Math.imul keeps the low 32 bits of the product, as C's uint32 arithmetic does.
      mt[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
    this.position = STATE_SIZE;
  }

  /**
   * `s` while the generator is exactly as `seed(s)` left it (nothing drawn since: numpy's `get_state()` shows
   * position 624 and `init_genrand(s)`'s words); undefined once it has drawn. A pure function of the state.
   */
  freshSeed(): number | undefined {
    if (this.position !== STATE_SIZE) return undefined;
    const mt = this.state;
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = mt[i - 1];
      if (mt[i] !== (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0) return undefined;
    }
    return mt[0];
  }

  /** The 624 state words and the position in them (numpy's `get_state()` key and pos); copies. */
  getState(): { key: Uint32Array; pos: number } {
    return { key: this.state.slice(), pos: this.position };
  }

  /** Puts back a state from {@link getState} (numpy's `set_state`): the same draws follow. */
  setState(state: { key: ArrayLike<number>; pos: number }): void {
    if (state.key.length !== STATE_SIZE) {
      throw new RangeError(`MT19937 state: key must hold ${STATE_SIZE} words, got ${state.key.length}`);
    }
    for (let i = 0; i < STATE_SIZE; i++) {
      const word = state.key[i];
      if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
        throw new RangeError(`MT19937 state: key[${i}] must be a 32-bit word, got ${word}`);
      }
    }
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > STATE_SIZE) {
      throw new RangeError(`MT19937 state: pos must be an integer in [0, ${STATE_SIZE}], got ${state.pos}`);
    }
    this.state.set(state.key);
    this.position = state.pos;
  }

  /** Next unsigned 32-bit integer (numpy's `next_uint32`). */
  nextUint32(): number {
    if (this.position >= STATE_SIZE) this.regenerate();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Next double in [0, 1) with 53 random bits (numpy's `next_double`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  private regenerate(): void {
    const mt = this.state;
    let kk = 0;
    for (; kk < STATE_SIZE - SHIFT; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + SHIFT] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < STATE_SIZE - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + SHIFT - STATE_SIZE] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[STATE_SIZE - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[STATE_SIZE - 1] = mt[SHIFT - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.position = 0;
  }
}
