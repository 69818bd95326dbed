/**
 * Every kind of task the worker pool runs (see pool.ts), and the dispatch a worker applies to each.
 * Each kind's runner is the same function the main thread runs for its own share.
 */
import { type KMeansTask, runKMeansTask } from "../detectors/kmeans-runs";
import { type NeighborTask, runNeighborTask } from "../neighbors/neighbor-search";

export type ThreadTask = NeighborTask | KMeansTask;

export function runThreadTask(task: ThreadTask): void {
  switch (task.kind) {
    case "neighbors":
      runNeighborTask(task);
      return;
    case "kmeans":
      runKMeansTask(task);
      return;
  }
}
