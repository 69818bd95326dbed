export { MT19937 } from "./mt19937";
export { RandomState, type MutableArrayLike } from "./random-state";
