/**
 * Coalesces bursts of stdout/stderr into few stream messages, as ipykernel's OutStream does: a loop
 * printing 2,000 lines sends one message, not 2,000. Text waits at most {@link STREAM_FLUSH_MS}; it is
 * flushed earlier before any other IOPub message (the kernel calls {@link StreamCoalescer.flush} as each
 * one is queued) and before the execute_reply, so the notebook shows output in the order the cell made it.
 */

/** How long printed text may wait for more text before it is sent (ipykernel waits up to 200 ms). */
export const STREAM_FLUSH_MS = 20;

/** Text beyond this many characters is sent at once, so one message never grows without bound. */
export const STREAM_MAX_CHARS = 256 * 1024;

/** Sends one stream message: `text` on stream `name` ("stdout" / "stderr"), as a child of `parent`. */
export type EmitStream<Parent> = (parent: Parent, name: string, text: string) => void;

/** Buffers consecutive text of one stream of one request; anything else flushes it first. */
export class StreamCoalescer<Parent> {
  private pending: { parent: Parent; name: string; chunks: string[]; chars: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: EmitStream<Parent>,
    private readonly flushMs = STREAM_FLUSH_MS,
    private readonly maxChars = STREAM_MAX_CHARS,
  ) {}

  /**
   * Adds text printed by the request `parent`; sent within `flushMs` or at the next flush.
   *
   * @example
   * ```ts
   * const streams = new StreamCoalescer((parent, name, text) => publishStream(parent, name, text));
   * streams.write(request, "stdout", "line 1\n");
   * streams.write(request, "stdout", "line 2\n"); // one message "line 1\nline 2\n"
   * ```
   */
  write(parent: Parent, name: string, text: string): void {
    if (text === "") return;
    if (this.pending !== undefined && (this.pending.parent !== parent || this.pending.name !== name)) this.flush();
    if (this.pending === undefined) {
      this.pending = { parent, name, chunks: [], chars: 0 };
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref(); // pending output must not keep a shut-down kernel alive
    }
    this.pending.chunks.push(text);
    this.pending.chars += text.length;
    if (this.pending.chars >= this.maxChars) this.flush();
  }

  /** Sends the buffered text now (no-op when there is none). */
  flush(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.emit(pending.parent, pending.name, pending.chunks.join(""));
  }
}
