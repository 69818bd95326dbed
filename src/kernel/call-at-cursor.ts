/**
 * The call whose parentheses hold a cursor, for Shift+Tab inside a call (`new IForestDetector(|`): there
 * TypeScript's quick info finds nothing, so the kernel inspects the callee instead, as ipykernel's
 * token_at_cursor does. Parsed with tslab's own TypeScript, which error-recovers unclosed calls.
 */
import type * as TS from "@tslab/typescript-for-tslab";

/** The innermost call around a cursor. */
export interface EnclosingCall {
  /** Offset of the end of the callee's name (`max` in `Math.max(`), where quick info shows its signature. */
  calleeEnd: number;
  /** True when only whitespace separates the cursor from the call's `(` and the call has no `)` yet. */
  justOpened: boolean;
}

let typescript: typeof TS | undefined;

/** tslab's TypeScript, loaded on first use: the kernel answers kernel_info before loading the compiler. */
function tsModule(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (typescript ??= require("@tslab/typescript-for-tslab") as typeof TS);
}

function isCall(ts: typeof TS, node: TS.Node): node is TS.CallExpression | TS.NewExpression {
  return ts.isCallExpression(node) || (ts.isNewExpression(node) && node.arguments !== undefined);
}

/** Where quick info on the callee shows its signature: the end of its (last) name. */
function calleeEnd(ts: typeof TS, callee: TS.Expression): number {
  if (ts.isPropertyAccessExpression(callee)) return callee.name.end;
  return callee.end;
}

/**
 * The innermost call or `new` expression whose argument list holds `cursor` (between its `(` and its `)`,
 * or anywhere after an unclosed `(` up to trailing whitespace), or undefined outside any call.
 *
 * @example
 * ```ts
 * enclosingCall("Math.max(Math.abs(-3), ", 23); // { calleeEnd: 8, justOpened: false }: Math.max, not Math.abs
 * enclosingCall("new IForestDetector(", 20);    // { calleeEnd: 19, justOpened: true }
 * ```
 */
export function enclosingCall(code: string, cursor: number): EnclosingCall | undefined {
  if (typeof code !== "string") throw new TypeError(`enclosingCall: code must be a string, got ${typeof code}`);
  if (!Number.isInteger(cursor) || cursor < 0 || cursor > code.length) {
    throw new RangeError(`enclosingCall: cursor must be an integer in [0, ${code.length}], got ${cursor}`);
  }
  const ts = tsModule();
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let innermost: { call: TS.CallExpression | TS.NewExpression; open: number; closed: boolean } | undefined;
  const visit = (node: TS.Node): void => {
    if (isCall(ts, node)) {
      const children = node.getChildren(file);
      const open = children.find((child) => child.kind === ts.SyntaxKind.OpenParenToken);
      const close = children.find((child) => child.kind === ts.SyntaxKind.CloseParenToken);
      // The parser supplies a missing `)` as an empty token.
      const closed = close !== undefined && close.end > close.pos;
      const inside =
        open !== undefined &&
        cursor >= open.end &&
        (closed ? cursor <= close.getStart(file) : code.slice(node.end, Math.max(cursor, node.end)).trim() === "");
      // Enclosing calls nest, so the innermost is the one whose `(` comes last.
      if (inside && (innermost === undefined || open.end > innermost.open)) innermost = { call: node, open: open.end, closed };
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (innermost === undefined) return undefined;
  return {
    calleeEnd: calleeEnd(ts, innermost.call.expression),
    justOpened: !innermost.closed && code.slice(innermost.open, cursor).trim() === "",
  };
}
