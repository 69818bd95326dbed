/**
 * Works around a tslab 1.0.22 bug: tslab rewrites a reference to an earlier cell's variable `k`
 * into `exports.k`, but misses shorthand properties, so `{ k }` fails with "k is not defined"
 * (and `({ k } = obj)` silently assigns a global). Before a cell reaches tslab's compiler the
 * kernel spells every shorthand property out, `{ k }` -> `{ k: k }`, which tslab does rewrite.
 *
 * Text is only inserted, never on a new line, so line numbers stay those of the cell the user
 * wrote; {@link originalPosition} maps positions in the rewritten cell (compile errors) back.
 */
import * as ts from "@tslab/typescript-for-tslab";

/** Text inserted into the cell: `text` goes before the character at `at` of the original cell. */
export interface Insertion {
  at: number;
  text: string;
}

/** A cell with its shorthand properties spelled out. */
export interface ShorthandExpansion {
  /** The cell as the user wrote it. */
  original: string;
  /** The cell handed to tslab (same lines as `original`). */
  source: string;
  /** What was inserted, in increasing order of `at`. */
  insertions: readonly Insertion[];
}

/** A position in a cell: 0-based offset, line and character within the line. */
export interface CellPosition {
  offset: number;
  line: number;
  character: number;
}

/**
 * True when the object or array literal `node` is written to, as a destructuring assignment
 * pattern (`({ a } = obj)`, `[{ a }] = xs`, `for ({ a } of xs)`), where `{ a = 1 }` is allowed.
 */
function isAssignmentPattern(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isParenthesizedExpression(parent)) return isAssignmentPattern(parent);
  if (ts.isBinaryExpression(parent)) return parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  if (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) return parent.initializer === node;
  if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) return isAssignmentPattern(parent);
  if (ts.isPropertyAssignment(parent)) return parent.initializer === node && isAssignmentPattern(parent.parent);
  if (ts.isSpreadAssignment(parent)) return isAssignmentPattern(parent.parent);
  return false;
}

/** Whether spelling `property` out keeps the cell's meaning (and its compile errors). */
function shouldExpand(property: ts.ShorthandPropertyAssignment): boolean {
  if (property.name.getWidth() === 0) return false; // a name the parser made up while recovering
  // `{ a = 1 }` is only valid as a destructuring target; elsewhere it must stay the error it is,
  // not become the valid assignment `{ a: a = 1 }`.
  return property.objectAssignmentInitializer === undefined || isAssignmentPattern(property.parent);
}

/**
 * Spells out every object-literal shorthand property of a cell: `{ k }` -> `{ k: k }`, and in
 * destructuring assignments `({ a = 1 } = obj)` -> `({ a: a = 1 } = obj)`. Destructuring
 * declarations (`const { a } = obj`) have no shorthand properties and are left alone.
 *
 * @example
 * ```ts
 * expandShorthandProperties("const o = { k, n: 1 };").source; // "const o = { k: k, n: 1 };"
 * expandShorthandProperties("const { a } = o;").source;       // "const { a } = o;" (unchanged)
 * ```
 */
export function expandShorthandProperties(cell: string): ShorthandExpansion {
  if (typeof cell !== "string") throw new TypeError(`expandShorthandProperties: cell must be a string, got ${typeof cell}`);
  const unchanged: ShorthandExpansion = { original: cell, source: cell, insertions: [] };
  if (!cell.includes("{")) return unchanged; // no object literal, no shorthand: skip parsing
  const file = ts.createSourceFile("cell.ts", cell, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const insertions: Insertion[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isShorthandPropertyAssignment(node) && shouldExpand(node)) {
      // The property name goes before the identifier, which stays where the user wrote it and
      // becomes the value: tslab rewrites it, and errors about the variable point at it.
      insertions.push({ at: node.name.getStart(file), text: `${node.name.getText(file)}: ` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (insertions.length === 0) return unchanged;
  insertions.sort((a, b) => a.at - b.at);
  let source = cell;
  for (let i = insertions.length - 1; i >= 0; i--) {
    // From the end backwards, so the offsets of the insertions still to make stay valid.
    const { at, text } = insertions[i];
    source = source.slice(0, at) + text + source.slice(at);
  }
  return { original: cell, source, insertions };
}

/**
 * The offset in the original cell of offset `offset` of the rewritten cell. Offsets inside
 * inserted text map to the identifier it was inserted before; offsets past the end (in the
 * exports tslab appends to a cell) shift back by everything inserted.
 *
 * @example
 * ```ts
 * const expansion = expandShorthandProperties("f({ k })"); // source "f({ k: k })"
 * originalOffset(expansion, 7); // 4, the `k` the user wrote
 * ```
 */
export function originalOffset(expansion: ShorthandExpansion, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`originalOffset: offset must be a non-negative integer, got ${offset}`);
  }
  let shift = 0; // characters inserted before the current insertion
  for (const { at, text } of expansion.insertions) {
    if (offset < at + shift) break;
    if (offset < at + shift + text.length) return at;
    shift += text.length;
  }
  return offset - shift;
}

/**
 * The position (offset, 0-based line and character) in the original cell of offset `offset`
 * of the rewritten cell.
 *
 * @example
 * ```ts
 * const expansion = expandShorthandProperties("const k = 1;\nf({ k }, oops)"); // line 2: "f({ k: k }, oops)"
 * originalPosition(expansion, 25); // { offset: 22, line: 1, character: 9 }, the `oops` written
 * ```
 */
export function originalPosition(expansion: ShorthandExpansion, offset: number): CellPosition {
  const original = originalOffset(expansion, offset);
  const before = expansion.original.slice(0, original);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { offset: original, line: before.split("\n").length - 1, character: original - lineStart };
}
