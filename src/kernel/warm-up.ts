/**
 * When the kernel pays for its compiler. Creating tslab's TypeScript program (parsing and binding TypeScript's
 * lib and @types/node) took ~70% of the time from launch to the first kernel_info_reply (CPU profile, issue #26),
 * though kernel_info needs none of it. The kernel now answers first and warms the compiler up right after the
 * first kernel_info_reply has been handed to ZeroMQ (whose I/O thread sends it while this one compiles), or a
 * moment after start when no client asks for kernel_info. A cell that arrives earlier creates the compiler itself.
 */

/** How long after start the warm-up waits for a first kernel_info_request before running anyway. */
export const WARM_UP_FALLBACK_MS = 1000;

/**
 * Runs a warm-up task once, at the first of: {@link WarmUp.after} a promise, {@link WarmUp.fallback}'s delay.
 *
 * @example
 * ```ts
 * const warmUp = new WarmUp(() => converters.warmUp(), (error) => exitWithError(error));
 * warmUp.fallback(WARM_UP_FALLBACK_MS);
 * warmUp.after(replySent); // usually first
 * ```
 */
export class WarmUp {
  private started = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly task: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether the task has run (or is running). */
  get done(): boolean {
    return this.started;
  }

  /** Runs the task now, unless it already ran. */
  run(): void {
    if (this.started) return;
    this.started = true;
    clearTimeout(this.timer);
    try {
      this.task();
    } catch (error) {
      this.onError(error);
    }
  }

  /** Runs the task once `ready` settles, in a later turn of the event loop (I/O that is already due goes first). */
  after(ready: Promise<unknown>): void {
    if (this.started) return;
    const go = (): void => void setImmediate(() => this.run());
    ready.then(go, go);
  }

  /** Runs the task `ms` from now unless something ran it before; the timer does not keep the process alive. */
  fallback(ms: number): void {
    if (this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref();
  }
}
