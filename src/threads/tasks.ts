/**
 * Every kind of task the worker pool runs (see pool.ts), and the dispatch a worker applies to each.
 * Each kind's runner is the same function the main thread runs for its own share.
 */
import { type KMeansTask, runKMeansTask } from "../detectors/kmeans-runs";
import { type McdTask, runMcdTask } from "../detectors/fast-mcd";
import { type NeighborTask, runNeighborTask } from "../neighbors/neighbor-search";

export type ThreadTask = NeighborTask | KMeansTask | McdTask;

/** Runs a task; what it returns goes back to the main thread (structured-cloned). */
export function runThreadTask(task: ThreadTask): unknown {
  switch (task.kind) {
    case "neighbors":
      return runNeighborTask(task);
    case "kmeans":
      return runKMeansTask(task);
    case "mcd":
      return runMcdTask(task);
  }
}
