/**
 * One send queue per ZeroMQ socket. zeromq v6 allows one send in progress per socket: a second
 * `send` while the first waits (a full pipe) fails with EBUSY, and tslab never awaits its sends, so
 * fast output used to lose messages and replies. Every send of the kernel, tslab's included, goes
 * through a queue that awaits each send before the next, in order, and never drops one: a send refused
 * because the peer's queue is full (EAGAIN: the IOPub socket is set not to drop, and routers to not drop
 * replies) is tried again until it goes through, and a send that fails for good (a closed socket, a peer
 * that is gone) is reported in the kernel log before the queue goes on.
 */

/** The first and the longest wait before sending again to a peer whose queue is full. */
const RETRY_FIRST_MS = 1;
const RETRY_LONGEST_MS = 50;

/** True for zeromq's "try again" refusal (the peer's high-water mark is reached). */
function peerQueueFull(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "EAGAIN";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One multipart message: tslab sends its JSON parts as strings, the kernel as Buffers. */
export type Frames = (Buffer | string)[];

/** The part of a zeromq v6 socket the queue drives. */
export interface SendingSocket {
  send(message: Frames | Buffer | string): Promise<void>;
}

/** Sends messages on one socket strictly one at a time, in the order they were queued. */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /**
   * @param sendNow the socket's own send (only the queue calls it)
   * @param describe names the socket in the kernel log ("iopub", "shell", ...)
   * @param log writes one line to the kernel log
   */
  constructor(
    private readonly sendNow: (message: Frames) => Promise<void>,
    private readonly describe: string,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Queues one multipart message; resolves once it was handed to ZeroMQ (or its failure logged). Never rejects.
   *
   * @example
   * ```ts
   * const queue = new SendQueue((frames) => socket.send(frames), "iopub", kernelLog);
   * queue.enqueue(frames); // no await needed: order is kept
   * ```
   */
  enqueue(message: Frames): Promise<void> {
    this.waiting += 1;
    const sent = this.tail.then(async () => {
      try {
        await this.sendUntilAccepted(message);
      } catch (error) {
        this.log(`anomaly-lab kernel: could not send a message on ${this.describe}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.waiting -= 1;
      }
    });
    this.tail = sent;
    return sent;
  }

  /** Sends `message`, waiting and trying again while the peer's queue is full (the client reads slower than we write). */
  private async sendUntilAccepted(message: Frames): Promise<void> {
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(2 * wait, RETRY_LONGEST_MS)) {
      try {
        await this.sendNow(message);
        return;
      } catch (error) {
        if (!peerQueueFull(error)) throw error;
      }
      await sleep(wait);
    }
  }

  /** Messages queued and not yet handed to ZeroMQ. */
  get pending(): number {
    return this.waiting;
  }

  /** Resolves once every message queued so far was sent (or its failure logged). */
  drained(): Promise<void> {
    return this.tail;
  }
}

/**
 * A stand-in for `socket` whose `send(...)` goes through a new {@link SendQueue}, so code that does not await
 * its sends (tslab's) cannot have two in progress; everything else is the socket's own. (zeromq's sockets are
 * not extensible, so `send` cannot be replaced on the socket itself.) `beforeEach` runs synchronously as each
 * message is queued: the IOPub socket flushes buffered stream output there, to keep the order of output.
 *
 * @example
 * ```ts
 * const { socket: shell, queue } = withQueuedSends(new zmq.Router(), "shell", kernelLog);
 * shell.send(frames); // queued behind any send in progress
 * ```
 */
export function withQueuedSends<S extends SendingSocket>(
  socket: S,
  describe: string,
  log: (line: string) => void,
  beforeEach?: () => void,
): { socket: S; queue: SendQueue } {
  const queue = new SendQueue((message) => socket.send(message), describe, log);
  const send = (message: Frames | Buffer | string): Promise<void> => {
    beforeEach?.();
    return queue.enqueue(Array.isArray(message) ? message : [message]);
  };
  const proxy = new Proxy(socket, {
    get(target, property) {
      if (property === "send") return send;
      const value: unknown = Reflect.get(target, property, target);
      // Native methods (bind, close, the async iterator) need the socket itself as `this`.
      return typeof value === "function" ? value.bind(target) : value;
    },
    set(target, property, value) {
      return Reflect.set(target, property, value, target);
    },
  });
  return { socket: proxy, queue };
}
