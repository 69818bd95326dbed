/**
 * The kernel's ZeroMQ server: tslab's ZmqServer (sockets, signing, heartbeat, busy/idle status),
 * extended to route the requests tslab ignores (history_request, interrupt_request), to fix
 * comm_info_reply, to give each execute_request an IOPub channel for the handler, and to send every
 * message through one awaited queue per socket (./send-queue) with stream output coalesced (./stream-coalescer).
 */
import type { Publisher, Router } from "zeromq";
import { exitKernel } from "./exit-guard";
import type { KernelHandler } from "./handler";
import { answerHistoryRequest } from "./history";
import type { PublishIopub } from "./output";
import { withQueuedSends, type Frames, type SendingSocket, type SendQueue } from "./send-queue";
import { StreamCoalescer } from "./stream-coalescer";
import type { ShellActivity } from "./warm-up";
import { TslabServer, type DisplayDataContent, type ExecuteRequest, type TslabMessage, type TslabServerHandler } from "./tslab";
import { encodeMessage, parseMessage, peekMessageType } from "./wire";

/** The request types tslab's handleShellMessage routes itself. */
const ROUTED_BY_TSLAB = new Set([
  "kernel_info_request",
  "execute_request",
  "is_complete_request",
  "inspect_request",
  "complete_request",
  "comm_info_request",
  "shutdown_request",
]);

/** The sockets tslab's init creates, by the property it assigns them to. */
const SOCKETS = ["iopub", "shell", "control", "stdin", "hb"] as const;

/** What the kernel's start-up work (./warm-up) learns from the server. */
export interface ServerHooks {
  /** Called after each kernel_info_request with a promise of its reply and status being handed to ZeroMQ. */
  kernelInfoSent?: (sent: Promise<void>) => void;
  /** Told when each shell or control request starts and ends. */
  activity?: ShellActivity;
}

/** How long a shut-down kernel waits for user code's timers/sockets before exiting anyway. */
const EXIT_GRACE_MS = 1000;

/**
 * tslab's server plus the protocol pieces tslab lacks.
 *
 * @example
 * ```ts
 * const server = new KernelServer(handler, "/run/user/kernel-1.json", () => executor.interrupt(), log, {
 *   kernelInfoSent: (sent) => warmUp.after(sent),
 * });
 * await server.init();
 * ```
 */
export class KernelServer extends TslabServer {
  private readonly queues: SendQueue[] = [];
  private streams: StreamCoalescer<TslabMessage> | undefined;
  /** Set by handleShellMessage for the execute_request tslab is about to pass to handleExecute. */
  private executeFromBacklog = false;

  constructor(
    private readonly kernel: KernelHandler,
    connectionFile: string,
    private readonly interrupt: () => void,
    private readonly log: (line: string) => void,
    private readonly hooks: ServerHooks = {},
  ) {
    super(kernel as unknown as TslabServerHandler, connectionFile);
    this.queueSendsOfEverySocket();
  }

  /**
   * tslab's init creates the sockets and sends on them without awaiting (`sock.send(...)`), which zeromq v6
   * refuses while a send waits (EBUSY). Each socket is caught as tslab assigns it, before it is bound, and
   * replaced by a stand-in whose send goes through a queue, so tslab's sends, ours and the status messages
   * all wait their turn.
   */
  private queueSendsOfEverySocket(): void {
    for (const name of SOCKETS) {
      let socket: SendingSocket | undefined;
      Object.defineProperty(this, name, {
        configurable: true,
        enumerable: true,
        get: () => socket,
        set: (created: SendingSocket) => {
          const queued = this.prepareSocket(name, created);
          this.queues.push(queued.queue);
          socket = queued.socket;
        },
      });
    }
  }

  private prepareSocket(name: (typeof SOCKETS)[number], socket: SendingSocket): { socket: SendingSocket; queue: SendQueue } {
    if (name === "iopub") {
      // A publisher drops messages silently once a subscriber's queue is full; noDrop makes send wait instead.
      (socket as unknown as Publisher).noDrop = true;
      const queued = withQueuedSends(socket, name, this.log, () => this.streams?.flush());
      const raw = { send: (frames: Frames) => queued.queue.enqueue(frames) };
      this.streams = new StreamCoalescer((parent, stream, text) => {
        const message = parent.createReply();
        message.header.msg_type = "stream";
        message.content = { name: stream, text };
        message.signAndSend(this.connInfo.key, raw); // straight to the queue: nothing to flush first
      });
      return queued;
    }
    // Routers drop replies silently when a peer's queue is full; mandatory makes send wait (or fail, logged,
    // for a peer that is gone) instead.
    if (name !== "hb") (socket as unknown as Router).mandatory = true;
    return withQueuedSends(socket, name, this.log);
  }

  /** tslab's init, then a check that every socket it made was caught (so no send can bypass its queue). */
  override async init(): Promise<void> {
    await super.init();
    if (this.queues.length !== SOCKETS.length) {
      throw new Error(`anomaly-lab kernel: tslab's init created ${this.queues.length} of the ${SOCKETS.length} sockets the kernel queues (${SOCKETS.join(", ")})`);
    }
  }

  /** Whether requests wait unread in the shell socket (sent before whatever the kernel is doing now). */
  hasUnreadShellRequests(): boolean {
    return (this.shell as Router | undefined)?.readable === true;
  }

  override async handleShellMessage(sock: Router, ...frames: Buffer[]): Promise<void> {
    // Every shell message moves the abort window along, whatever its type (see ExecutionQueue.admit).
    const fromBacklog = sock === this.shell && this.kernel.executions.admit();
    this.hooks.activity?.started();
    try {
      const msgType = peekMessageType(frames);
      if (!ROUTED_BY_TSLAB.has(msgType)) {
        this.handleOtherMessage(sock, frames, msgType);
        return;
      }
      // tslab calls handleExecute synchronously from here (after parsing and the busy status).
      this.executeFromBacklog = fromBacklog && msgType === "execute_request";
      await super.handleShellMessage(sock, ...frames);
      // The reply and the idle status are queued: tell whoever waits for them to be handed to ZeroMQ.
      if (msgType === "kernel_info_request") this.hooks.kernelInfoSent?.(this.drained());
      if (msgType === "shutdown_request") {
        // tslab closed the sockets; leftover timers of user code must not keep the kernel alive.
        setTimeout(() => exitKernel(0), EXIT_GRACE_MS).unref();
      }
    } catch (error) {
      this.answerFailure(sock, frames, error);
    } finally {
      this.hooks.activity?.ended();
    }
  }

  /** A request whose handler threw still gets an error reply, so the client does not wait for one forever. */
  private answerFailure(sock: Router, frames: Buffer[], error: unknown): void {
    const evalue = `anomaly-lab kernel: ${error instanceof Error ? error.message : String(error)}`;
    let request;
    try {
      request = parseMessage(frames, this.connInfo.key);
    } catch {
      // Unparsable or wrongly signed: there is no one to answer.
      this.log(`anomaly-lab kernel: dropped a message that cannot be read: ${evalue}`);
      return;
    }
    const replyType = request.header.msg_type.replace(/_request$/, "_reply");
    this.log(`anomaly-lab kernel: answering a ${request.header.msg_type} with an error: ${evalue}`);
    const content = { status: "error", ename: "KernelError", evalue, traceback: [`KernelError: ${evalue}`] };
    void sock.send(encodeMessage(request, replyType, content, this.connInfo.key, request.identities));
  }

  /**
   * Runs an execute_request: stream output goes through the coalescer, every other IOPub message of the
   * request through the handler's channel, and the reply is sent whatever happens, after the request's output.
   */
  override async handleExecute(sock: Router, msg: TslabMessage): Promise<void> {
    const aborted = this.executeFromBacklog;
    this.executeFromBacklog = false;
    const key = this.connInfo.key;
    const publish: PublishIopub = (msgType, content) => {
      const message = msg.createReply();
      message.header.msg_type = msgType;
      message.content = content;
      message.signAndSend(key, this.iopub);
    };
    const writeStream = (name: string, text: string): void => this.streams?.write(msg, name, text);
    const writeDisplayData = (data: DisplayDataContent, update: boolean): void =>
      publish(update ? "update_display_data" : "display_data", data);
    this.kernel.bindRequest(msg.content, { publish, aborted });
    let content: object;
    try {
      content = await this.kernel.handleExecute(msg.content as ExecuteRequest, writeStream, writeDisplayData);
    } catch (error) {
      // A kernel bug: say so in the reply rather than leave the notebook waiting for one.
      const evalue = `anomaly-lab kernel: the request failed inside the kernel: ${error instanceof Error ? error.message : String(error)}`;
      this.log(evalue);
      content = { status: "error", ename: "KernelError", evalue, traceback: [`KernelError: ${evalue}`] };
    }
    this.streams?.flush(); // the cell's printed output goes out before its reply
    const reply = msg.createReply();
    reply.header.msg_type = "execute_reply";
    reply.content = content;
    reply.signAndSend(key, sock);
  }

  /** tslab answers comm_info_request with a "complete_reply" without status; this is the spec's reply. */
  override handleCommInfoRequest(sock: Router, msg: TslabMessage): void {
    const reply = msg.createReply();
    reply.header.msg_type = "comm_info_reply";
    reply.content = { status: "ok", comms: {} };
    reply.signAndSend(this.connInfo.key, sock);
  }

  /** Resolves once every message queued so far has been handed to ZeroMQ. */
  private async drained(): Promise<void> {
    this.streams?.flush();
    await Promise.all(this.queues.map((queue) => queue.drained()));
  }

  /** Closes the sockets once every queued message (the shutdown reply, the idle status) has been sent. */
  override close(): void {
    void this.drained().then(() => super.close());
  }

  private handleOtherMessage(sock: Router, frames: Buffer[], msgType: string): void {
    const key = this.connInfo.key;
    const request = parseMessage(frames, key);
    const publishStatus = (state: string): void => {
      void this.iopub.send(encodeMessage(request, "status", { execution_state: state }, key, []));
    };
    const reply = (replyType: string, content: object): void => {
      void sock.send(encodeMessage(request, replyType, content, key, request.identities));
    };
    publishStatus("busy");
    try {
      switch (msgType) {
        case "history_request":
          reply("history_reply", answerHistoryRequest(this.kernel.history, request.content));
          break;
        case "interrupt_request":
          // Message-mode interrupt stops awaited (async) work; blocking code needs SIGINT.
          this.interrupt();
          reply("interrupt_reply", { status: "ok" });
          break;
        default:
          this.log(`anomaly-lab kernel: ignoring unsupported message type "${msgType}"`);
      }
    } finally {
      publishStatus("idle");
    }
  }
}
