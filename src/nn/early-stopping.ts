/**
 * Keras's `EarlyStopping` rule (Keras 3, keras/src/callbacks/early_stopping.py) for a quantity to minimise.
 *
 * An epoch improves when its value is below `best − minDelta` (a decrease of exactly `minDelta`, or an equal
 * value, is no improvement). `wait` counts the epochs since the last improvement, and training stops at the
 * epoch where it reaches `patience`: `patience` epochs after the best one (patience 0 and 1 both stop at the
 * first epoch without improvement, as in Keras and tfjs). The first epoch always improves.
 *
 * @example
 * ```ts
 * const rule = new EarlyStoppingRule(2, 0);
 * [1, 0.5, 0.75, 0.625].map((loss, i) => rule.update(i + 1, loss)); // ["improved", "improved", "waiting", "stop"]
 * rule.bestEpoch; // 2
 * ```
 */
export class EarlyStoppingRule {
  private best = Infinity;
  private wait = 0;
  /** The (1-based) epoch of the best value so far; 0 before the first update. */
  bestEpoch = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta: number,
  ) {}

  /** Records `epoch`'s monitored value: whether it improved, training waits, or training stops here. */
  update(epoch: number, value: number): "improved" | "waiting" | "stop" {
    this.wait += 1;
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return "improved";
    }
    return this.wait >= this.patience ? "stop" : "waiting";
  }
}
