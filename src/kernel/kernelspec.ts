/**
 * The Jupyter kernelspec (kernel.json) of the anomaly-lab kernel, so installers write exactly
 * what the launcher expects. Pure: no tslab or ZeroMQ is loaded.
 */
import os from "node:os";
import path from "node:path";

/** A kernel.json (Jupyter "Kernel specs"). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  /** "signal": Jupyter sends SIGINT, which also stops blocking (synchronous) cell code. */
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

/** Options of {@link kernelSpec}. */
export interface KernelSpecOptions {
  /** The node binary Jupyter runs (default: the one running now, so PATH does not matter). */
  nodePath?: string;
  /** The anomaly-lab checkout or install whose bin/anomaly-lab-kernel.js to run (default: this one). */
  packageRoot?: string;
  /** Shown in Jupyter's kernel picker (default "TypeScript (anomaly-lab)"). */
  displayName?: string;
  /** The kernel's JavaScript heap limit in MB, node's --max-old-space-size (default {@link defaultHeapLimitMB}). */
  heapLimitMB?: number;
}

/**
 * The kernel's default JavaScript heap limit: half of this machine's memory, in MB. V8's own default is
 * at most 4 GB whatever the machine has; the other half is left to typed arrays, WebAssembly and tfjs
 * memory (outside the heap) and to everything else the machine runs.
 *
 * @example
 * ```ts
 * defaultHeapLimitMB(); // 12053 on a machine with 23.5 GiB
 * ```
 */
export function defaultHeapLimitMB(totalBytes = os.totalmem()): number {
  return Math.floor(totalBytes / 2 / (1024 * 1024));
}

/**
 * The kernel.json object for the anomaly-lab kernel launcher.
 *
 * @example
 * ```ts
 * fs.writeFileSync(path.join(specDir, "kernel.json"), JSON.stringify(kernelSpec(), null, 1));
 * // then: jupyter kernelspec install --user --replace --name anomaly-lab <specDir>
 * ```
 */
export function kernelSpec(options: KernelSpecOptions = {}): KernelSpec {
  const packageRoot = options.packageRoot ?? path.resolve(__dirname, "..", "..");
  const nodePath = options.nodePath ?? process.execPath;
  for (const [name, value] of Object.entries({ nodePath, packageRoot })) {
    if (typeof value !== "string" || !path.isAbsolute(value)) {
      throw new TypeError(`kernelSpec: ${name} must be an absolute path, got ${JSON.stringify(value)}`);
    }
  }
  const heapLimitMB = options.heapLimitMB ?? defaultHeapLimitMB();
  if (!Number.isInteger(heapLimitMB) || heapLimitMB < 64) {
    throw new RangeError(`kernelSpec: heapLimitMB must be an integer of at least 64 (MB), got ${JSON.stringify(heapLimitMB)}`);
  }
  return {
    argv: [nodePath, `--max-old-space-size=${heapLimitMB}`, path.join(packageRoot, "bin", "anomaly-lab-kernel.js"), "{connection_file}"],
    display_name: options.displayName ?? "TypeScript (anomaly-lab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: {},
  };
}
