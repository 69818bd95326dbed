/**
 * The Jupyter wire protocol (messaging spec v5, "The Wire Protocol"), for the few requests that
 * tslab's server does not route (history, interrupt, unknown types). tslab's own message class is
 * not exported, so these are parsed and signed here, following the spec rather than tslab's code.
 */
import { createHmac, randomUUID } from "node:crypto";

const DELIMITER = Buffer.from("<IDS|MSG>");
const PROTOCOL_VERSION = "5.3";

/** A message header (spec: "General Message Format"). */
export interface WireHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A parsed, verified message. */
export interface WireMessage {
  /** ZeroMQ routing prefix, needed to route the reply back on ROUTER sockets. */
  identities: Buffer[];
  header: WireHeader;
  content: Record<string, unknown>;
}

function delimiterIndex(frames: Buffer[]): number {
  const index = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (index < 0) throw new Error("Jupyter message has no <IDS|MSG> delimiter frame");
  if (frames.length < index + 6) {
    throw new Error(`Jupyter message has ${frames.length - index - 1} frames after the delimiter; expected at least 5`);
  }
  return index;
}

/**
 * The HMAC-SHA256 signature (hex) of a message's header, parent header, metadata and content
 * frames; "" when the connection key is empty (the spec's unauthenticated mode).
 *
 * @example
 * ```ts
 * signParts("key", [header, parent, "{}", content]); // "9f86d0..."
 * ```
 */
export function signParts(key: string, parts: readonly (string | Buffer)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/**
 * The msg_type of a raw multipart message, without verifying it (to pick a handler).
 *
 * @example
 * ```ts
 * peekMessageType(frames); // "history_request"
 * ```
 */
export function peekMessageType(frames: Buffer[]): string {
  const header = JSON.parse(frames[delimiterIndex(frames) + 2].toString("utf8")) as Partial<WireHeader>;
  return String(header.msg_type ?? "");
}

/**
 * Parses a raw multipart message and checks its HMAC signature.
 *
 * @example
 * ```ts
 * const msg = parseMessage(frames, connection.key); // msg.header.msg_type, msg.content
 * ```
 */
export function parseMessage(frames: Buffer[], key: string): WireMessage {
  const at = delimiterIndex(frames);
  const signed = frames.slice(at + 2, at + 6);
  const expected = signParts(key, signed);
  if (expected !== frames[at + 1].toString("utf8")) {
    throw new Error("Jupyter message signature does not match the connection key");
  }
  const [header, , , content] = signed.map((frame) => JSON.parse(frame.toString("utf8")) as unknown);
  return {
    identities: frames.slice(0, at),
    header: header as WireHeader,
    content: content as Record<string, unknown>,
  };
}

/**
 * Encodes and signs a message answering (or published on behalf of) `parent`.
 * Pass `identities: []` for IOPub messages, the parent's identities for replies.
 *
 * @example
 * ```ts
 * shell.send(encodeMessage(request, "history_reply", { status: "ok", history: [] }, key, request.identities));
 * ```
 */
export function encodeMessage(
  parent: WireMessage,
  msgType: string,
  content: object,
  key: string,
  identities: Buffer[],
): Buffer[] {
  const header: WireHeader = {
    msg_id: randomUUID(),
    session: parent.header.session,
    username: parent.header.username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
  const parts = [JSON.stringify(header), JSON.stringify(parent.header), "{}", JSON.stringify(content)];
  return [...identities, DELIMITER, Buffer.from(signParts(key, parts)), ...parts.map((p) => Buffer.from(p))];
}
