/**
 * When the kernel pays for its compiler. Creating tslab's TypeScript program (parsing and binding TypeScript's
 * lib and @types/node) took ~70% of the time from launch to the first kernel_info_reply (CPU profile, issue #26),
 * though kernel_info needs none of it. The kernel now answers first and warms the compiler up right after the
 * first kernel_info_reply has been handed to ZeroMQ (whose I/O thread sends it while this one compiles), or a
 * moment after start when no client asks for kernel_info. A cell that arrives earlier creates the compiler itself.
 * The kernel's warm-up then loads anomaly-lab ahead of the notebook's import (CellExecutor.prefetch), once no
 * request has run for a moment ({@link ShellActivity}), so that a cell sent at once does not wait for it.
 */

/** How long after start the warm-up waits for a first kernel_info_request before running anyway. */
export const WARM_UP_FALLBACK_MS = 1000;

/** How long no shell request must have run before background loading starts. */
export const QUIET_BEFORE_PREFETCH_MS = 300;

/** The shortest wait of {@link ShellActivity.quiet}: a turn of the event loop with its I/O. */
const MIN_WAIT_MS = 10;

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
    private readonly task: () => void | Promise<void>,
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
      void Promise.resolve(this.task()).catch(this.onError);
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

/**
 * Shell requests in progress, so that background work can wait for a quiet moment.
 *
 * @example
 * ```ts
 * const activity = new ShellActivity();
 * activity.started(); // the server, as a request arrives
 * activity.ended();   // ... and once it is answered
 * await activity.quiet(300); // resolves 300 ms after the last request ended, with none running
 * ```
 */
export class ShellActivity {
  private running = 0;
  private lastEnded = performance.now();

  started(): void {
    this.running++;
  }

  ended(): void {
    this.running = Math.max(0, this.running - 1);
    this.lastEnded = performance.now();
  }

  /**
   * Resolves once no request has run for `quietMs`. It always lets timers and I/O run first, so that a request
   * that arrived while the caller was busy is seen. Its timers do not keep the process alive.
   */
  async quiet(quietMs: number): Promise<void> {
    let wait = MIN_WAIT_MS;
    for (;;) {
      await new Promise<void>((resolve) => setTimeout(resolve, wait).unref());
      const idleFor = performance.now() - this.lastEnded;
      if (this.running === 0 && idleFor >= quietMs) return;
      wait = Math.max(MIN_WAIT_MS, this.running === 0 ? quietMs - idleFor : quietMs);
    }
  }
}
