/**
 * Keeps cells from ending the kernel with process.exit. A notebook kernel that exits on its own loses
 * every variable and tells the notebook nothing (only Jupyter's server log shows it), so once the guard is
 * installed `process.exit(...)` throws a {@link ProcessExitError} in the code that called it, which the
 * notebook shows as the cell's error. The kernel's own exits (shutdown, a dead parent) use {@link exitKernel}.
 */

const realExit: (code?: number | string | null) => never = process.exit.bind(process);

/** Thrown by process.exit inside the kernel: the cell stops there and the kernel keeps running. */
export class ProcessExitError extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(
      `process.exit(${code === undefined ? "" : String(code)}) was called by the cell; the kernel keeps running ` +
        "(a notebook kernel does not exit from a cell: your variables are still there). " +
        "To stop the cell, throw an error; to start over, restart the kernel (Kernel > Restart).",
    );
    this.name = "ProcessExitError";
  }
}

/**
 * Makes process.exit throw {@link ProcessExitError} from now on (idempotent).
 *
 * @example
 * ```ts
 * guardProcessExit();
 * process.exit(1); // throws ProcessExitError: process.exit(1) was called by the cell; ...
 * ```
 */
export function guardProcessExit(): void {
  process.exit = ((code?: number | string | null): never => {
    throw new ProcessExitError(code);
  }) as typeof process.exit;
}

/**
 * Ends the kernel process (the kernel's own exits, which the guard must not stop).
 *
 * @example
 * ```ts
 * setTimeout(() => exitKernel(0), 1000).unref();
 * ```
 */
export function exitKernel(code: number): never {
  return realExit(code);
}
