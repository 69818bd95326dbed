/**
 * In-memory input/output history of the cells a kernel ran, answering Jupyter history_request
 * (tail, range, search) the way IPython's HistoryManager does: lines are execution counts,
 * search patterns are globs over the whole cell source.
 */

/** One executed cell. */
export interface HistoryEntry {
  /** The execution count (In[n]). */
  line: number;
  input: string;
  /** The text/plain of the cell's execute_result, or null when it had none. */
  output: string | null;
}

/** A history_reply row: (session, line, input) or (session, line, (input, output)). */
export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

/** Options shared by every kind of history query. */
export interface HistoryQueryOptions {
  /** Return (input, output) pairs instead of inputs. */
  output?: boolean;
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`history: ${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Translates a glob, matched against the whole text as SQLite's GLOB does in IPython's history
 * search (`*`, `?`, `[abc]`, `[a-z]`, `[^abc]`; case-sensitive; `*` spans newlines), into a RegExp.
 *
 * @example
 * ```ts
 * globToRegExp("6 * 7").test("6 * 7"); // true
 * globToRegExp("a[^b]c").test("abc");  // false
 * ```
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    // In a set, the first member (after an optional ^) is literal even when it is "]".
    const firstMember = i + 1 + (pattern[i + 1] === "^" ? 1 : 0);
    const end = char === "[" ? pattern.indexOf("]", firstMember + 1) : -1;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (end > 0) {
      const negated = firstMember > i + 1 ? "^" : "";
      source += `[${negated}${pattern.slice(firstMember, end).replace(/[\\[\]]/g, "\\$&")}]`;
      i = end;
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * The history of one kernel session.
 *
 * @example
 * ```ts
 * const history = new ExecutionHistory();
 * history.record(1, "6 * 7");
 * history.setOutput(1, "42");
 * history.tail(1, { output: true }); // [[1, 1, ["6 * 7", "42"]]]
 * ```
 */
export class ExecutionHistory {
  private readonly entries: HistoryEntry[] = [];

  /** @param session the session number reported in every row (IPython numbers sessions from 1). */
  constructor(readonly session = 1) {}

  /** Stores a cell's input under its execution count (before it runs, as IPython does). */
  record(line: number, input: string): void {
    assertCount("line", line);
    this.entries.push({ line, input, output: null });
  }

  /** Attaches the text/plain of the execute_result to the latest entry for `line`. */
  setOutput(line: number, output: string): void {
    const entry = [...this.entries].reverse().find((e) => e.line === line);
    if (entry === undefined) throw new RangeError(`history: no cell with execution count ${line}`);
    entry.output = output;
  }

  /** The last `n` cells. */
  tail(n: number, options: HistoryQueryOptions = {}): HistoryRow[] {
    assertCount("n", n);
    return this.rows(n === 0 ? [] : this.entries.slice(-n), options);
  }

  /**
   * Cells with start <= line < stop (stop omitted: to the end). Session 0 means this session, as
   * in IPython; other sessions are not kept, so they yield no rows.
   */
  range(session: number, start: number, stop: number | undefined, options: HistoryQueryOptions = {}): HistoryRow[] {
    if (session !== 0 && session !== this.session) return [];
    return this.rows(
      this.entries.filter((e) => e.line >= start && (stop === undefined || e.line < stop)),
      options,
    );
  }

  /** Cells whose source matches the glob `pattern`: the last `n` (all when omitted), optionally unique. */
  search(pattern: string, options: HistoryQueryOptions & { n?: number; unique?: boolean } = {}): HistoryRow[] {
    if (options.n !== undefined) assertCount("n", options.n);
    const regex = globToRegExp(pattern);
    const picked: HistoryEntry[] = [];
    const seen = new Set<string>();
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (options.n !== undefined && picked.length >= options.n) break;
      const entry = this.entries[i];
      if (!regex.test(entry.input)) continue;
      if (options.unique) {
        if (seen.has(entry.input)) continue;
        seen.add(entry.input);
      }
      picked.push(entry);
    }
    return this.rows(picked.reverse(), options);
  }

  private rows(entries: HistoryEntry[], options: HistoryQueryOptions): HistoryRow[] {
    return entries.map((e): HistoryRow =>
      options.output ? [this.session, e.line, [e.input, e.output]] : [this.session, e.line, e.input],
    );
  }
}

/** The content of a history_reply, or of an error reply for a malformed request. */
export type HistoryReplyContent =
  | { status: "ok"; history: HistoryRow[] }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

function optionalNumber(content: Record<string, unknown>, name: string): number | undefined {
  const value = content[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw new TypeError(`history_request: ${name} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Answers a history_request's content from `history`.
 *
 * @example
 * ```ts
 * answerHistoryRequest(history, { hist_access_type: "tail", n: 10, output: false, raw: true });
 * // { status: "ok", history: [[1, 1, "6 * 7"], ...] }
 * ```
 */
export function answerHistoryRequest(history: ExecutionHistory, content: Record<string, unknown>): HistoryReplyContent {
  try {
    const options = { output: content.output === true };
    const n = optionalNumber(content, "n");
    switch (content.hist_access_type) {
      case "tail":
        return { status: "ok", history: history.tail(n ?? 10, options) };
      case "range":
        return {
          status: "ok",
          history: history.range(
            optionalNumber(content, "session") ?? 0,
            optionalNumber(content, "start") ?? 1,
            optionalNumber(content, "stop"),
            options,
          ),
        };
      case "search":
        return {
          status: "ok",
          history: history.search(typeof content.pattern === "string" ? content.pattern : "*", {
            ...options,
            n,
            unique: content.unique === true,
          }),
        };
      default:
        throw new RangeError(
          `history_request: hist_access_type must be "tail", "range" or "search", got ${JSON.stringify(content.hist_access_type)}`,
        );
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { status: "error", ename: e.name, evalue: e.message, traceback: [`${e.name}: ${e.message}`] };
  }
}
