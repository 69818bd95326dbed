import { checkNumberType } from "../core/validation";
import { RandomState } from "./random-state";

/**
 * The `random` option of {@link kmeans} and {@link minCovDet}: a RandomState is used (and advanced) as is, a
 * number seeds a new one, undefined seeds one from OS entropy. Anything else (a seed typed as text) is refused
 * by name instead of reaching the generator's seed check as if it were a number.
 * @example randomStateOf(7); // new RandomState(7)
 */
export function randomStateOf(random: RandomState | number | undefined): RandomState {
  if (random instanceof RandomState) return random;
  if (random !== undefined) checkNumberType(random, "random", "a RandomState or a number");
  return new RandomState(random);
}
