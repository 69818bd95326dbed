/**
 * Every kind of task the worker pool runs (see pool.ts), and how a worker runs one job of each. Each
 * kind's job runner is the function the main thread runs for the jobs it takes.
 */
import { type KMeansTask, runKMeansJob } from "../cluster/kmeans-runs";
import { type McdTask, runMcdJob } from "../robust/fast-mcd";
import { type PcaTask, runPcaJob } from "../decomposition/pca-rows";
import { type NeighborTask, runNeighborJob } from "../neighbors/neighbor-search";

export type ThreadTask = NeighborTask | KMeansTask | McdTask | PcaTask;

/** Runs job `job` of a task; what it returns goes back to the main thread (structured-cloned). */
export function runThreadJob(task: ThreadTask, job: number): unknown {
  switch (task.kind) {
    case "neighbors":
      return runNeighborJob(task, job);
    case "kmeans":
      return runKMeansJob(task, job);
    case "mcd":
      return runMcdJob(task, job);
    case "pca":
      return runPcaJob(task, job);
  }
}
