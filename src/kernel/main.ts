/**
 * The anomaly-lab kernel launcher: wires tslab's compiler and executor into the kernel's handler
 * and server, the way `tslab kernel --config-path` does (tslab/dist/main.js), and starts it.
 */
import fs from "node:fs";
import path from "node:path";
import { versions } from "tslab";
import { requestInterrupt } from "../core/interrupt";
import { createCellExecutor } from "./cell-executor";
import { ExecutionQueue } from "./execution-queue";
import { exitKernel, guardProcessExit } from "./exit-guard";
import { KernelHandler, type KernelIdentity } from "./handler";
import { HeapGuard, heapLimit, type HeapLimit } from "./heap-guard";
import { ExecutionHistory } from "./history";
import { KernelServer } from "./server";
import { QUIET_BEFORE_PREFETCH_MS, ShellActivity, WARM_UP_FALLBACK_MS, WarmUp } from "./warm-up";
import { assertTslabCompatible } from "./tslab";

// Saved before tslab redirects process.stderr to the running cell: kernel diagnostics belong in
// Jupyter's log, not in a notebook.
const writeKernelLog = process.stderr.write.bind(process.stderr);

function kernelLog(line: string): void {
  writeKernelLog(`${line}\n`);
}

/** The module notebooks on this kernel import first, loaded during the warm-up (./warm-up). */
const PREFETCHED_MODULE = "anomaly-lab";

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function packageVersion(): string {
  const file = path.resolve(__dirname, "..", "..", "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

function kernelIdentity(heap: HeapLimit): KernelIdentity {
  const version = packageVersion();
  return {
    implementationVersion: version,
    typescriptVersion: versions.typescript,
    banner:
      `anomaly-lab ${version}: TypeScript ${versions.typescript} on Node.js ${process.version} (tslab ${versions.tslab}); ` +
      `JavaScript heap limit ${heap.mb} MB (${heap.source})`,
  };
}

function checkConnectionFile(connectionFile: string): void {
  if (typeof connectionFile !== "string" || connectionFile === "") {
    throw new TypeError("anomaly-lab kernel: expected the path of a Jupyter connection file");
  }
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(fs.readFileSync(connectionFile, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`anomaly-lab kernel: cannot read connection file ${connectionFile}: ${(error as Error).message}`);
  }
  for (const field of ["transport", "ip", "key", "shell_port", "iopub_port", "control_port", "stdin_port", "hb_port"]) {
    if (!(field in info)) throw new Error(`anomaly-lab kernel: connection file ${connectionFile} has no "${field}"`);
  }
}

/**
 * Exits when the Jupyter process that launched the kernel dies (it set JPY_PARENT_PID), as
 * ipykernel's parent poller does, so a crashed client leaves no orphan kernel behind.
 */
function exitWithParent(): void {
  const parent = process.ppid;
  if (process.env.JPY_PARENT_PID === undefined || parent === 1) return;
  setInterval(() => {
    if (process.ppid !== parent) exitKernel(0);
  }, 1000).unref();
}

/**
 * Starts the kernel on the sockets named in a Jupyter connection file; resolves once they are
 * bound. Cells resolve modules from the current directory, as in tslab.
 *
 * @example
 * ```ts
 * await startKernel("/root/.local/share/jupyter/runtime/kernel-1234.json");
 * ```
 */
export async function startKernel(connectionFile: string): Promise<KernelServer> {
  checkConnectionFile(connectionFile);
  await assertTslabCompatible();
  const cells = createCellExecutor(process.cwd());
  const { executor, recorder } = cells;
  // The compiler is created after the first kernel_info_reply (./warm-up); failing to create it fails the kernel,
  // as it did when it was created before the sockets were bound. Then the library a notebook imports first is
  // loaded ahead (an optimisation: if that fails, the notebook's own import says why).
  const activity = new ShellActivity();
  const warmUpThenPrefetch = async (): Promise<void> => {
    cells.warmUp();
    await activity.quiet(QUIET_BEFORE_PREFETCH_MS);
    await cells.prefetch(PREFETCHED_MODULE).catch((error: unknown) => {
      kernelLog(`anomaly-lab kernel: could not load ${PREFETCHED_MODULE} ahead of the notebook: ${describeError(error)}`);
    });
  };
  const warmUp = new WarmUp(warmUpThenPrefetch, (error) => {
    kernelLog(`anomaly-lab kernel: the TypeScript compiler could not start: ${describeError(error)}`);
    exitKernel(1);
  });
  const heap = heapLimit();
  const heapGuard = HeapGuard.start({ limit: heap, log: kernelLog });
  // Called only once cells run, when `server` (below) exists: were requests waiting in its shell socket?
  const executions: ExecutionQueue = new ExecutionQueue(() => server.hasUnreadShellRequests());
  const handler: KernelHandler = new KernelHandler(executor, recorder, new ExecutionHistory(), kernelIdentity(heap), kernelLog, {
    executions,
    heapGuard,
  });
  // An interrupt fails the awaited cell (tslab) and asks anomaly-lab's long loops (training) to stop at their
  // next step (core/interrupt), since the work a cell awaits goes on after the cell itself fails.
  const interrupt = (): void => {
    requestInterrupt();
    executor.interrupt();
  };
  const server: KernelServer = new KernelServer(handler, connectionFile, interrupt, kernelLog, {
    kernelInfoSent: (sent) => warmUp.after(sent),
    activity,
  });
  // As tslab: SIGINT (interrupt_mode "signal") stops async work; blocking code is stopped by
  // breakOnSigint inside the executor. Stray async errors go to the running cell's stderr, or the next cell's.
  process.on("SIGINT", interrupt);
  guardProcessExit();
  process.on("uncaughtException", (error) => handler.reportStray("Uncaught exception", error));
  process.on("unhandledRejection", (reason) => handler.reportStray("Unhandled promise rejection", reason));
  await server.init();
  warmUp.fallback(WARM_UP_FALLBACK_MS);
  exitWithParent();
  return server;
}

/**
 * Command-line entry (bin/anomaly-lab-kernel.js): `anomaly-lab-kernel <connection_file>`.
 *
 * @example
 * ```ts
 * main(process.argv.slice(2));
 * ```
 */
export function main(args: string[]): void {
  if (args.length !== 1) {
    kernelLog("usage: anomaly-lab-kernel <connection_file>   (Jupyter runs this; see src/kernel/kernelspec.ts)");
    process.exitCode = 2;
    return;
  }
  startKernel(args[0]).catch((error: unknown) => {
    kernelLog(error instanceof Error ? error.message : String(error));
    exitKernel(1);
  });
}
