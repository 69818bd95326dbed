export { MT19937 } from "./mt19937";
export { RandomState, type MutableArrayLike, type RandomStateSnapshot } from "./random-state";
