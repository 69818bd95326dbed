/**
 * The kernel's Jupyter handler: tslab's JupyterHandlerImpl, extended where it falls short of the
 * messaging protocol. tslab still compiles and runs every cell (stdout and stderr forwarding, display
 * writer, completion, inspection); this class queues the cells (./execution-queue, with ipykernel's
 * abort semantics instead of tslab's 200 ms abort window) and adds around each cell execute_input,
 * execute_result, the error message and error reply fields, history, the memory guard's verdict, and
 * status fields tslab's replies lack.
 */
import { inspect } from "node:util";
import type { Executor } from "tslab/dist/executor";
import { enclosingCall } from "./call-at-cursor";
import { compileErrorContent, runtimeErrorContent, type ErrorContent } from "./errors";
import type { CellRecorder, CellReport } from "./cell-executor";
import { executeResultData } from "./execute-result";
import { ExecutionQueue } from "./execution-queue";
import type { HeapGuard } from "./heap-guard";
import type { ExecutionHistory } from "./history";
import { setCellPublisher, type PublishIopub } from "./output";
import {
  TslabHandler,
  type ExecuteRequest,
  type ExecutionCount,
  type InspectReply,
  type InspectRequest,
  type TslabExecuteReply,
  type WriteDisplayData,
  type WriteStream,
} from "./tslab";

/** Identity fields of the kernel_info_reply. */
export interface KernelIdentity {
  /** anomaly-lab's version. */
  implementationVersion: string;
  /** The TypeScript version that compiles cells (tslab's bundled compiler). */
  typescriptVersion: string;
  banner: string;
}

/** execute_reply content: tslab's status and count, plus what the protocol asks for. */
export type ExecuteReplyContent = TslabExecuteReply & Partial<ErrorContent> & { payload?: object[]; user_expressions?: object };

/** How the server hands an execute_request to the handler. */
export interface RequestChannel {
  /** Publishes the request's IOPub messages (execute_input, results, errors, clear_output). */
  publish: PublishIopub;
  /** True when the request was sent before the last failure (read from the socket's backlog): abort it. */
  aborted: boolean;
}

/** The kernel services the handler works with (each has a default for tests). */
export interface HandlerServices {
  /** The cell queue; the kernel's is told whether the shell socket holds unread requests. */
  executions?: ExecutionQueue;
  /** Stops cells that fill the JavaScript heap (./heap-guard); none by default. */
  heapGuard?: HeapGuard;
}

/** What the kernel learned while running one request, for its execute_reply. */
interface RequestOutcome {
  executionCount: number;
  error?: ErrorContent;
}

function isExecutionCount(value: unknown): value is ExecutionCount {
  return typeof value === "object" && value !== null && !(value instanceof Error) && typeof (value as ExecutionCount).count === "number";
}

function describeFailure(report: CellReport, failure: unknown): ErrorContent {
  if (report.diagnostics.length > 0) return compileErrorContent(report.diagnostics, report.compiled?.source ?? "");
  if (report.thrown !== undefined) return runtimeErrorContent(report.thrown.value, report.compiled);
  if (!isExecutionCount(failure)) return runtimeErrorContent(failure);
  return { ename: "Error", evalue: "the cell failed", traceback: ["Error: the cell failed", ...report.notes] };
}

// Saved before tslab points process.stderr at the running cell: kernel diagnostics belong in Jupyter's log.
const writeKernelLog = process.stderr.write.bind(process.stderr);

function logToStderr(line: string): void {
  writeKernelLog(`${line}\n`);
}

/** Lets the event loop run once, so that rejections the cell left unhandled are reported while it still runs. */
function macrotaskTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a stray error (no cell awaited it) looks like in a cell's stderr. */
export type StrayErrorKind = "Unhandled promise rejection" | "Uncaught exception";

/**
 * tslab's handler with protocol-complete execution replies.
 *
 * @example
 * ```ts
 * const { executor, recorder } = createCellExecutor(process.cwd());
 * const handler = new KernelHandler(executor, recorder, new ExecutionHistory(), identity);
 * const server = new KernelServer(handler, connectionFile, () => executor.interrupt(), log);
 * ```
 */
export class KernelHandler extends TslabHandler {
  readonly executions: ExecutionQueue;
  private readonly heapGuard: HeapGuard | undefined;
  private readonly channels = new WeakMap<object, RequestChannel>();
  private readonly outcomes = new WeakMap<object, RequestOutcome>();
  /** Writes to the stderr of the cell now running (undefined between cells and in silent cells). */
  private strayWriter: ((text: string) => void) | undefined;
  /** Stray errors that arrived while no cell ran, for the next cell. */
  private readonly pendingStrays: string[] = [];

  constructor(
    executor: Executor,
    private readonly recorder: CellRecorder,
    readonly history: ExecutionHistory,
    private readonly identity: KernelIdentity,
    private readonly log: (line: string) => void = logToStderr,
    services: HandlerServices = {},
  ) {
    super(executor, false);
    this.executions = services.executions ?? new ExecutionQueue();
    this.heapGuard = services.heapGuard;
  }

  /**
   * Shows an error no code awaited (a rejected promise nobody handles, a throw in a timer) where the user
   * looks, as Node's REPL prints it: in the stderr of the cell now running, or else of the next cell.
   * The kernel routes process "unhandledRejection" / "uncaughtException" events here.
   */
  reportStray(kind: StrayErrorKind, reason: unknown): void {
    // An Error gets the kernel's traceback (the user's frames, not node:vm / tslab / kernel ones).
    const shown = reason instanceof Error ? runtimeErrorContent(reason).traceback.join("\n") : inspect(reason);
    const text = `${kind}: ${shown}\n`;
    if (this.strayWriter !== undefined) this.strayWriter(text);
    else this.pendingStrays.push(text);
  }

  /** Gives request `req` its IOPub channel and abort verdict (the server calls this as the request arrives). */
  bindRequest(req: object, channel: RequestChannel): void {
    this.channels.set(req, channel);
  }

  override handleKernel() {
    const base = super.handleKernel();
    return {
      ...base,
      status: "ok",
      protocol_version: "5.3",
      implementation: "anomaly-lab",
      implementation_version: this.identity.implementationVersion,
      language_info: {
        ...base.language_info, // keeps tslab's codemirror_mode
        name: "typescript",
        version: this.identity.typescriptVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
      },
      banner: this.identity.banner,
    };
  }

  override async handleExecute(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecuteReplyContent> {
    const channel = this.channels.get(req);
    if (channel === undefined) return this.refuseWithoutChannel(writeStream);
    const reply: TslabExecuteReply = { status: "ok" };
    let failure: unknown;
    try {
      const ran = await this.executions.run(() => this.runQueued(req, writeStream, writeDisplayData), channel.aborted);
      if (!ran.ran) reply.status = "aborted"; // sent before a cell failed (ipykernel's semantics)
    } catch (error) {
      reply.status = "error"; // the cell's error content is in its outcome
      failure = error;
    }
    const outcome = this.outcomes.get(req);
    this.channels.delete(req);
    this.outcomes.delete(req);
    // No outcome: aborted, or failed before the cell started (a kernel bug, reported as the error it was).
    if (outcome === undefined) return reply.status === "error" ? { ...reply, ...runtimeErrorContent(failure) } : reply;
    if (reply.status === "error" || outcome.error !== undefined) {
      const error = outcome.error ?? { ename: "Error", evalue: "the cell failed", traceback: [] };
      return { status: "error", execution_count: outcome.executionCount, ...error };
    }
    // user_expressions are not evaluated (tslab has no side-effect-free evaluation); none reported.
    return { ...reply, execution_count: outcome.executionCount, payload: [], user_expressions: {} };
  }

  /**
   * A request the server gave no IOPub channel (see KernelServer.handleExecute; it happens only if tslab
   * stops passing the request's content object through): running the cell would lose execute_input, its
   * result and its errors without a word, so it is refused, in the kernel log, the cell's stderr and the reply.
   */
  private refuseWithoutChannel(writeStream: WriteStream): ExecuteReplyContent {
    const evalue =
      "anomaly-lab kernel: no IOPub channel for this execute_request, so its output would be lost; the cell was not run " +
      "(this is a kernel bug: please report it with the tslab version)";
    this.log(evalue);
    writeStream("stderr", `${evalue}\n`);
    return { status: "error", execution_count: this.execCount, ename: "KernelError", evalue, traceback: [`KernelError: ${evalue}`] };
  }

  /**
   * Runs the cell inside the queue. A failure with stop_on_error aborts the requests waiting behind it, before
   * this task settles (so none of them starts first), as ipykernel does; silent cells never abort others.
   */
  private async runQueued(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecutionCount> {
    try {
      return await this.handleExecuteImpl(req, writeStream, writeDisplayData);
    } catch (failure) {
      if (req.stop_on_error !== false && req.silent !== true) this.executions.abortWaiting();
      throw failure;
    }
  }

  /** Runs inside the queue, so the count and the publisher are those of this very cell. */
  override async handleExecuteImpl(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecutionCount> {
    const publish = this.channels.get(req)?.publish;
    if (publish === undefined) throw new Error("anomaly-lab kernel: handleExecuteImpl without an IOPub channel"); // handleExecute refuses these
    const quiet = req.silent === true;
    if (!quiet) this.startStrayReports(writeStream);
    this.heapGuard?.cellStarted();
    try {
      return await this.runCell(req, publish, writeStream, writeDisplayData);
    } finally {
      this.heapGuard?.cellEnded();
      await macrotaskTurn(); // a rejection the cell left unhandled is reported now, in this cell
      this.strayWriter = undefined;
    }
  }

  private startStrayReports(writeStream: WriteStream): void {
    this.strayWriter = (text) => writeStream("stderr", text);
    for (const text of this.pendingStrays.splice(0)) this.strayWriter(`(while no cell was running) ${text}`);
  }

  private async runCell(req: ExecuteRequest, publish: PublishIopub, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecutionCount> {
    const quiet = req.silent === true;
    // tslab fails a cell by throwing its count, which also aborts the cells queued behind it (runQueued);
    // with stop_on_error false the count is returned instead and the reply still says "error".
    const stopOnError = req.stop_on_error !== false;
    const storeHistory = !quiet && req.store_history !== false;
    const countBefore = this.execCount;
    // tslab's handleExecuteImpl increments the counter as it starts; cells kept out of history
    // (silent, store_history false) report the current count and get the increment undone.
    const count = storeHistory ? countBefore + 1 : countBefore;
    const outcome: RequestOutcome = { executionCount: count };
    this.outcomes.set(req, outcome);
    const fail = (error: ErrorContent): void => {
      outcome.error = error;
      if (!quiet) publish("error", error);
    };

    setCellPublisher(publish);
    if (!quiet) publish("execute_input", { code: req.code, execution_count: count });
    if (storeHistory) this.history.record(count, req.code);
    this.recorder.begin();
    let done: ExecutionCount;
    try {
      done = await super.handleExecuteImpl(req, writeStream, writeDisplayData);
    } catch (failure) {
      // The memory guard interrupts a cell that fills the heap: say so, and name the limit.
      fail(this.heapGuard?.stoppedCellError() ?? describeFailure(this.recorder.report, failure));
      if (stopOnError || !isExecutionCount(failure)) throw failure;
      return failure;
    } finally {
      if (!storeHistory) this.execCount = countBefore;
    }

    const report = this.recorder.report;
    for (const note of report.notes) process.stderr.write(`${note}\n`); // tslab prints these too
    if (quiet || report.result === undefined) return done;
    let data;
    try {
      data = await executeResultData(report.result.value);
    } catch (badBundle) {
      fail(runtimeErrorContent(badBundle));
      if (stopOnError) throw done;
      return done;
    }
    if (data === undefined) return done;
    publish("execute_result", { execution_count: count, data, metadata: {} });
    const text = data["text/plain"];
    if (storeHistory && typeof text === "string") this.history.setOutput(count, text);
    return done;
  }

  /** tslab's close (its compiler) and the memory guard's thread. */
  override close(): void {
    this.heapGuard?.stop();
    super.close();
  }

  /**
   * Shift+Tab: TypeScript's quick info at the cursor, or, inside a call's parentheses, the callee's (its
   * signature), as ipykernel does: right after an unclosed `(`, and wherever the cursor itself shows nothing.
   */
  override handleInspect(req: InspectRequest): InspectReply {
    const call = enclosingCall(req.code, req.cursor_pos);
    const onCallee = (): InspectReply => super.handleInspect({ ...req, cursor_pos: call?.calleeEnd ?? req.cursor_pos });
    if (call?.justOpened) return onCallee();
    const reply = super.handleInspect(req);
    return reply.found || call === undefined ? reply : onCallee();
  }

  override handleShutdown(req: { restart?: boolean }) {
    return { status: "ok", restart: req.restart === true };
  }
}
