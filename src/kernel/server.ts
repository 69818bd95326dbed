/**
 * The kernel's ZeroMQ server: tslab's ZmqServer (sockets, signing, heartbeat, busy/idle status),
 * extended to route the requests tslab ignores (history_request, interrupt_request), to fix
 * comm_info_reply, and to give each execute_request an IOPub channel for the handler.
 */
import type { Router } from "zeromq";
import type { KernelHandler } from "./handler";
import { answerHistoryRequest } from "./history";
import { TslabServer, type TslabMessage, type TslabServerHandler } from "./tslab";
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

/** How long a shut-down kernel waits for user code's timers/sockets before exiting anyway. */
const EXIT_GRACE_MS = 1000;

/**
 * tslab's server plus the protocol pieces tslab lacks.
 *
 * @example
 * ```ts
 * const server = new KernelServer(handler, "/run/user/kernel-1.json", () => executor.interrupt(), log);
 * await server.init();
 * ```
 */
export class KernelServer extends TslabServer {
  constructor(
    private readonly kernel: KernelHandler,
    connectionFile: string,
    private readonly interrupt: () => void,
    private readonly log: (line: string) => void,
  ) {
    super(kernel as unknown as TslabServerHandler, connectionFile);
  }

  override async handleShellMessage(sock: Router, ...frames: Buffer[]): Promise<void> {
    try {
      const msgType = peekMessageType(frames);
      if (!ROUTED_BY_TSLAB.has(msgType)) {
        this.handleOtherMessage(sock, frames, msgType);
        return;
      }
      await super.handleShellMessage(sock, ...frames);
      if (msgType === "shutdown_request") {
        // tslab closed the sockets; leftover timers of user code must not keep the kernel alive.
        setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
      }
    } catch (error) {
      this.log(`anomaly-lab kernel: dropped a message: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Gives the handler a way to publish on IOPub as a child of this execute_request. */
  override async handleExecute(sock: unknown, msg: TslabMessage): Promise<void> {
    this.kernel.bindPublisher(msg.content, (msgType, content) => {
      const message = msg.createReply();
      message.header.msg_type = msgType;
      message.content = content;
      message.signAndSend(this.connInfo.key, this.iopub);
    });
    await super.handleExecute(sock, msg);
  }

  /** tslab answers comm_info_request with a "complete_reply" without status; this is the spec's reply. */
  override handleCommInfoRequest(sock: Router, msg: TslabMessage): void {
    const reply = msg.createReply();
    reply.header.msg_type = "comm_info_reply";
    reply.content = { status: "ok", comms: {} };
    reply.signAndSend(this.connInfo.key, sock);
  }

  private handleOtherMessage(sock: Router, frames: Buffer[], msgType: string): void {
    const key = this.connInfo.key;
    const request = parseMessage(frames, key);
    const sendFailed = (error: unknown): void => this.log(`anomaly-lab kernel: could not send a ${msgType} answer: ${String(error)}`);
    const publishStatus = (state: string): void => {
      this.iopub.send(encodeMessage(request, "status", { execution_state: state }, key, [])).catch(sendFailed);
    };
    const reply = (replyType: string, content: object): void => {
      sock.send(encodeMessage(request, replyType, content, key, request.identities)).catch(sendFailed);
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
