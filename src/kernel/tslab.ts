/**
 * The seam between the anomaly-lab kernel and tslab.
 *
 * tslab stays the compiler and executor: the kernel subclasses its Jupyter handler and ZeroMQ
 * server (node_modules/tslab/dist/jupyter.js) and never copies its code. What the kernel relies on
 * beyond tslab's public .d.ts (private members, the executor's console convention) is declared
 * here, in one place, and {@link checkTslabCompatibility} verifies it at kernel start and in
 * test/kernel-protocol.test.ts, so a tslab upgrade that moves any of it fails loudly.
 */
import { createConverter } from "tslab/dist/converter";
import { createExecutor, type Executor } from "tslab/dist/executor";
import * as jupyterModule from "tslab/dist/jupyter";
import { JupyterHandlerImpl, ZmqServer } from "tslab/dist/jupyter";

/** The tslab release this kernel was written against (package.json pins it exactly). */
export const SUPPORTED_TSLAB_VERSION = "1.0.22";

/** An execute_request's content (Jupyter messaging spec v5). */
export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: object;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

/** An inspect_request's content (Jupyter messaging spec v5). */
export interface InspectRequest {
  code: string;
  cursor_pos: number;
  detail_level?: number;
}

/** tslab's inspect_reply content. */
export interface InspectReply {
  status: "ok";
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** What tslab's handler returns for an execute_request; the kernel adds the error fields. */
export interface TslabExecuteReply {
  status: string;
  execution_count?: number;
}

/** display_data / update_display_data content, as tslab's writer takes it. */
export interface DisplayDataContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export type WriteStream = (name: string, text: string) => void;
export type WriteDisplayData = (content: DisplayDataContent, update: boolean) => void;

/**
 * tslab's ExecutionCount: `handleExecuteImpl` resolves with it on success and THROWS it on
 * failure; the kernel's `handleExecute` turns the throw into status "error" and aborts queued cells.
 */
export interface ExecutionCount {
  count: number;
}

/**
 * The members of JupyterHandlerImpl the kernel overrides or uses, declared as methods (its .d.ts
 * marks execCount and handleExecuteImpl private, and types requests more narrowly than the spec).
 */
export interface TslabHandlerMembers {
  /** The In[n] counter, incremented by handleExecuteImpl before it runs a cell. */
  execCount: number;
  handleKernel(): ReturnType<JupyterHandlerImpl["handleKernel"]>;
  /** tslab's entry point for a request (its own queue); the kernel replaces it with ./execution-queue. */
  handleExecute(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<TslabExecuteReply>;
  /** Runs one cell inside the queue (stdout/stderr forwarding and display writer set up). */
  handleExecuteImpl(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecutionCount>;
  handleShutdown(req: { restart?: boolean }): object;
  /** TypeScript's quick info at the cursor (found: false when there is none). */
  handleInspect(req: InspectRequest): InspectReply;
  close(): void;
}

/** tslab's handler class, typed with the members the kernel overrides. */
export const TslabHandler = JupyterHandlerImpl as unknown as new (executor: Executor, isJs: boolean) => TslabHandlerMembers;

/** A handler as tslab's server takes it. */
export type TslabServerHandler = ConstructorParameters<typeof ZmqServer>[0];

export { ZmqServer as TslabServer };

/** tslab's parsed ZeroMQ message (a class its .d.ts declares but does not export). */
export type TslabMessage = Parameters<ZmqServer["handleExecute"]>[1];

/** Handler methods the kernel overrides or relies on, with their parameter counts in 1.0.22. */
const HANDLER_METHODS: Record<string, number> = {
  handleKernel: 0,
  handleExecute: 3,
  handleExecuteImpl: 3,
  handleShutdown: 1,
  handleComplete: 1,
  handleInspect: 1,
  handleIsComplete: 1,
  close: 0,
};

/** Server methods the kernel overrides or relies on, with their parameter counts in 1.0.22. */
const SERVER_METHODS: Record<string, number> = {
  handleShellMessage: 1, // (sock, ...frames)
  handleExecute: 2,
  handleCommInfoRequest: 2,
  publishStatus: 2,
  init: 0,
  close: 0,
};

function checkMethods(owner: string, proto: object, expected: Record<string, number>, problems: string[]): void {
  for (const [name, arity] of Object.entries(expected)) {
    const method = (proto as Record<string, unknown>)[name];
    if (typeof method !== "function") problems.push(`${owner}.${name} is not a method`);
    else if (method.length !== arity) problems.push(`${owner}.${name} takes ${method.length} parameters, not ${arity}`);
  }
}

/** The installed tslab's version, from its package.json. */
export function installedTslabVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("tslab/package.json") as { version: string }).version;
}

/**
 * Runs tslab's cell body (handleExecuteImpl) on a stub executor and checks the internals the kernel
 * relies on: it counts cells in `execCount` (the kernel reads it and restores it for cells kept out of
 * history), installs the cell's display writer as `lastWriteDisplayData`, resolves with the count and
 * THROWS it when the cell fails. Puts back what handleExecuteImpl changes in the process (stdout and
 * stderr writers, the display writer).
 */
async function probeCellBody(problems: string[]): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, display: jupyter.lastWriteDisplayData };
  let succeeds = true;
  const executor = { execute: async () => succeeds } as unknown as Executor;
  const handler = new TslabHandler(executor, false);
  const writeDisplayData: WriteDisplayData = () => {};
  try {
    const done = await handler.handleExecuteImpl({ code: "" }, () => {}, writeDisplayData);
    if (done?.count !== 1 || handler.execCount !== 1) {
      problems.push("JupyterHandlerImpl.handleExecuteImpl no longer counts cells in execCount (the kernel reads and restores it)");
    }
    if (jupyter.lastWriteDisplayData !== writeDisplayData) {
      problems.push("JupyterHandlerImpl.handleExecuteImpl no longer installs the cell's display writer as lastWriteDisplayData");
    }
    succeeds = false;
    let thrown: unknown;
    try {
      await handler.handleExecuteImpl({ code: "" }, () => {}, writeDisplayData);
    } catch (failure) {
      thrown = failure;
    }
    if (typeof thrown !== "object" || thrown === null || (thrown as ExecutionCount).count !== 2) {
      problems.push("JupyterHandlerImpl.handleExecuteImpl no longer throws its ExecutionCount when a cell fails (the kernel's error replies and aborts rely on it)");
    }
  } catch (error) {
    problems.push(`JupyterHandlerImpl.handleExecuteImpl failed on a stub executor: ${String(error)}`);
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    jupyter.lastWriteDisplayData = saved.display;
  }
}

/**
 * Lists what the kernel needs from tslab and is missing (empty when compatible): the version, the
 * members it overrides, and, by running tslab's cell body on a stub executor, the private behaviour it
 * relies on (the execCount counter, the thrown ExecutionCount, the display writer).
 *
 * @example
 * ```ts
 * await checkTslabCompatibility(); // [] with tslab 1.0.22
 * ```
 */
export async function checkTslabCompatibility(): Promise<string[]> {
  const problems: string[] = [];
  const version = installedTslabVersion();
  if (version !== SUPPORTED_TSLAB_VERSION) {
    problems.push(`tslab is ${version}; the anomaly-lab kernel extends tslab ${SUPPORTED_TSLAB_VERSION} only`);
  }
  checkMethods("JupyterHandlerImpl", JupyterHandlerImpl.prototype, HANDLER_METHODS, problems);
  checkMethods("ZmqServer", ZmqServer.prototype, SERVER_METHODS, problems);
  if (!("lastWriteDisplayData" in jupyterModule)) {
    problems.push("tslab/dist/jupyter no longer exports lastWriteDisplayData (display() and display handles use it)");
  }
  if (createExecutor.length !== 3) problems.push("createExecutor no longer takes (rootDir, converters, console)");
  if (typeof createConverter !== "function") problems.push("tslab/dist/converter no longer exports createConverter");
  const probe = new JupyterHandlerImpl({} as Executor, false) as unknown as Record<string, unknown>;
  if (probe.execCount !== 0) problems.push("JupyterHandlerImpl no longer keeps its counter in execCount");
  if (typeof (JupyterHandlerImpl.prototype as unknown as Record<string, unknown>).handleExecuteImpl === "function") await probeCellBody(problems);
  return problems;
}

/**
 * Throws when the installed tslab is not the one this kernel extends.
 *
 * @example
 * ```ts
 * await assertTslabCompatible(); // throws "anomaly-lab kernel: incompatible tslab: ..." after an upgrade
 * ```
 */
export async function assertTslabCompatible(): Promise<void> {
  const problems = await checkTslabCompatibility();
  if (problems.length > 0) {
    throw new Error(`anomaly-lab kernel: incompatible tslab:\n  ${problems.join("\n  ")}`);
  }
}
