/**
 * The kernel's cell queue: runs execute requests one at a time, in arrival order, and after a cell fails
 * (with stop_on_error) aborts exactly the requests that were already waiting, as ipykernel does: those in
 * the queue, and those still unread in the shell socket at that moment. A request that arrives later, even
 * a few milliseconds after the error reply, runs. (tslab instead aborted everything arriving in the 200 ms
 * after an error, so a fast client saw its next requests aborted.)
 */

/** What became of one queued request. */
export type QueueOutcome<T> = { ran: true; value: T } | { ran: false };

interface Ticket {
  aborted: boolean;
}

/** One-at-a-time execution with ipykernel's abort-after-error semantics. */
export class ExecutionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Set<Ticket>();
  /** True while requests read from the shell socket still belong to the backlog of a failure. */
  private abortingBacklog = false;

  /**
   * @param hasUnreadRequests whether requests have arrived in the shell socket that the kernel has not read
   *   yet (they were sent before the failure, so they are aborted too)
   */
  constructor(private readonly hasUnreadRequests: () => boolean = () => false) {}

  /**
   * Call as each shell message is read, before handling it: returns true when the message was sent before
   * the last failure (read from the backlog that was waiting in the socket), so an execute request must be aborted.
   *
   * @example
   * ```ts
   * const abort = queue.admit(); // in the shell message handler, for every message
   * ```
   */
  admit(): boolean {
    if (!this.abortingBacklog) return false;
    this.abortingBacklog = this.hasUnreadRequests();
    return true;
  }

  /**
   * Queues `task`; it runs after every task queued before it, unless it is aborted first (by `abort`, or by
   * a failure while it waits). A task that throws does not stop the queue: call {@link abortWaiting} from
   * inside the failing task to abort the ones behind it.
   *
   * @example
   * ```ts
   * const outcome = await queue.run(() => runCell(code), queue.admit());
   * if (!outcome.ran) reply({ status: "aborted" });
   * ```
   */
  run<T>(task: () => Promise<T>, abort = false): Promise<QueueOutcome<T>> {
    const ticket: Ticket = { aborted: abort };
    this.waiting.add(ticket);
    const outcome = this.tail.then(async (): Promise<QueueOutcome<T>> => {
      this.waiting.delete(ticket);
      if (ticket.aborted) return { ran: false };
      return { ran: true, value: await task() };
    });
    this.tail = outcome.catch(() => undefined);
    return outcome;
  }

  /**
   * Aborts every request waiting now, and those still unread in the shell socket; later requests run.
   * Call it from the failing task, before it settles, so that no waiting task starts first.
   */
  abortWaiting(): void {
    for (const ticket of this.waiting) ticket.aborted = true;
    this.abortingBacklog = this.hasUnreadRequests();
  }
}
