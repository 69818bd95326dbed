/**
 * The registry of the kinds of job the worker pool runs (see pool.ts). The module that owns a parallel step
 * defines its kind of job once, at its top level, and hands the definition to `runJobs`:
 *
 *   export const searchJob = defineJob("neighbors.search", __filename, runNeighborJob);
 *   runJobs(threads, slices, searchJob, task, "neighbour search");
 *
 * A worker thread receives the job's name and the defining module's path; the first time it meets the name it
 * `require`s that module, whose top-level `defineJob` call registers the same runner in the worker. So adding a
 * threaded job needs no edit to src/threads, and src/threads imports nothing above it.
 */
import { isAbsolute } from "node:path";

/** A kind of job: job `index` of a task is `run(task, index)`, wherever it runs (its value is structured-cloned). */
export interface JobDefinition<Task, Value> {
  /** Unique in the process, e.g. "neighbors.search". */
  readonly name: string;
  /** Absolute path of the module whose top-level `defineJob` call defines it (its `__filename`). */
  readonly module: string;
  readonly run: (task: Task, index: number) => Value;
}

const definitions = new Map<string, JobDefinition<never, unknown>>();

/**
 * Registers a kind of job under `name`, defined by `module` (pass the calling module's `__filename`), and returns
 * the definition to give to `runJobs`. Call it at the module's top level, so that loading the module in a worker
 * thread registers the job there too. A name defined by two modules is refused.
 * @example export const kmeansRunJob = defineJob("cluster.kmeans-run", __filename, runKMeansJob);
 */
export function defineJob<Task, Value>(
  name: string,
  module: string,
  run: (task: Task, index: number) => Value,
): JobDefinition<Task, Value> {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`defineJob: the name must be a non-empty string, got ${String(name)}`);
  }
  if (typeof module !== "string" || !isAbsolute(module)) {
    throw new TypeError(
      `defineJob("${name}"): module must be the absolute path of the defining module (__filename), got ${String(module)}`,
    );
  }
  if (typeof run !== "function") throw new TypeError(`defineJob("${name}"): run must be a function, got ${typeof run}`);
  const existing = definitions.get(name);
  if (existing !== undefined && existing.module !== module) {
    throw new Error(
      `defineJob: the job "${name}" is defined twice, by ${existing.module} and by ${module}; job names must be unique`,
    );
  }
  const definition: JobDefinition<Task, Value> = { name, module, run };
  definitions.set(name, definition as JobDefinition<never, unknown>);
  return definition;
}

/**
 * The definition registered under `name`, loading `module` first when this thread has not met the name yet
 * (a worker thread's first job of that kind). Throws, naming the job and the module, when the module cannot be
 * loaded or does not define the job at its top level.
 */
export function loadJob(name: string, module: string): JobDefinition<unknown, unknown> {
  let definition = definitions.get(name);
  if (definition === undefined) {
    try {
      require(module);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`the job "${name}" could not be loaded from ${module}: ${why}`);
    }
    definition = definitions.get(name);
  }
  if (definition === undefined) {
    throw new Error(
      `the job "${name}" is not defined by ${module} once loaded (its defineJob call must run at the module's top level)`,
    );
  }
  return definition as JobDefinition<unknown, unknown>;
}
