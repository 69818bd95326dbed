import { DataParseError } from "./errors";
import { FieldContext } from "./text-table";

// "2014-07-01 00:30:00" (NAB, pandas), optional fraction (NAB windows ".000000"), optional "T".
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
// "2004.02.12.10.32.39": the NASA IMS raw file names.
const DOTTED = /^(\d{4})\.(\d{2})\.(\d{2})\.(\d{2})\.(\d{2})\.(\d{2})$/;

/**
 * Parses a naive timestamp ("YYYY-MM-DD HH:MM:SS[.ffffff]" or "YYYY.MM.DD.hh.mm.ss") as UTC.
 * The source files carry no time zone; reading them as UTC makes them print unchanged and keeps
 * results independent of the machine's zone. Impossible dates (month 13, Feb 30) are errors.
 *
 * @example parseNaiveTimestamp("2004.02.12.10.32.39").toISOString(); // "2004-02-12T10:32:39.000Z"
 */
export function parseNaiveTimestamp(token: string, at?: FieldContext | { file: string; line: number }): Date {
  const match = ISO_LIKE.exec(token) ?? DOTTED.exec(token);
  const fail = (problem: string): never => {
    if (at === undefined) throw new Error(`Invalid timestamp "${token}": ${problem}`);
    throw new DataParseError(at, `invalid timestamp "${token}": ${problem}`);
  };
  if (match === null) return fail('expected "YYYY-MM-DD HH:MM:SS" or "YYYY.MM.DD.hh.mm.ss"');
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7] === undefined ? 0 : Math.round(Number(`0.${match[7]}`) * 1000);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const date = new Date(ms);
  // Date.UTC rolls over (Feb 30 -> Mar 1); a round trip catches impossible fields.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return fail("no such date or time");
  }
  return date;
}
