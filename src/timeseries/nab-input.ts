// The values NAB's own runs fed their detectors: NAB reads each corpus file with pandas.read_csv,
// whose C parser converted text to doubles with `xstrtod` until pandas 1.2 (2020) — an algorithm
// that is not correctly rounded (it accumulates the digits in a double, then divides by powers of
// ten). On the corpus it differs from the correctly rounded value in 11,700 of 365,558 rows, by
// one or two units in the last place; once that moves a value across one of CAD OSE's bin
// boundaries (ec2_request_latency_system_failure: its maximum, 99.24799999999999, reads as 99.248,
// and lands in bin 6, not 7). Reproducing a 2016 run bit for bit needs the same values.
import * as fs from "node:fs";
import { fetchDatasetFile, FetchOptions } from "../data/fetch";
import { forEachRecord } from "../data/text-table";

const DIGIT_0 = 48;

/**
 * pandas' legacy `xstrtod` (pandas/src/parser/tokenizer.c before 1.2, `float_precision=None`):
 * digits accumulated as number·10 + d, then scaled by 10^|exponent| through repeated squaring.
 *
 * @example pandasLegacyFloat("99.24799999999999"); // 99.248
 */
export function pandasLegacyFloat(text: string): number {
  let p = 0;
  const at = (k: number): number => text.charCodeAt(k);
  const isDigit = (k: number): boolean => k < text.length && at(k) >= DIGIT_0 && at(k) <= DIGIT_0 + 9;
  while (p < text.length && /\s/.test(text[p]!)) p++;
  let negative = false;
  if (text[p] === "-" || text[p] === "+") negative = text[p++] === "-";
  let number = 0;
  let exponent = 0;
  let digits = 0;
  while (isDigit(p)) {
    number = number * 10 + (at(p++) - DIGIT_0);
    digits++;
  }
  if (text[p] === ".") {
    p++;
    let decimals = 0;
    while (isDigit(p)) {
      number = number * 10 + (at(p++) - DIGIT_0);
      decimals++;
      digits++;
    }
    exponent -= decimals;
  }
  if (digits === 0) throw new Error(`pandasLegacyFloat: "${text}" is not a number`);
  if (text[p] === "e" || text[p] === "E") {
    p++;
    let negativeExponent = false;
    if (text[p] === "-" || text[p] === "+") negativeExponent = text[p++] === "-";
    if (!isDigit(p)) throw new Error(`pandasLegacyFloat: "${text}" has an empty exponent`);
    let e = 0;
    while (isDigit(p)) e = e * 10 + (at(p++) - DIGIT_0);
    exponent += negativeExponent ? -e : e;
  }
  while (p < text.length && /\s/.test(text[p]!)) p++;
  if (p !== text.length) throw new Error(`pandasLegacyFloat: "${text}" is not a number`);
  let p10 = 10;
  for (let n = Math.abs(exponent); n > 0; n >>= 1) {
    if (n & 1) number = exponent < 0 ? number / p10 : number * p10;
    p10 *= p10;
  }
  return negative ? -number : number;
}

/**
 * A NAB corpus file's value column as NAB's 2016 runs read it (pandas' legacy parser), for
 * reproducing their published output exactly. Rows in file order.
 *
 * @example (await nabValuesAsPandas2016Read("realKnownCause/ec2_request_latency_system_failure.csv"))[3395]; // 99.248
 */
export async function nabValuesAsPandas2016Read(key: string, options: FetchOptions = {}): Promise<Float64Array> {
  const file = await fetchDatasetFile("nab", `data/${key.endsWith(".csv") ? key : `${key}.csv`}`, options);
  const text = await fs.promises.readFile(file.path, "utf8");
  const values: number[] = [];
  let header = true;
  forEachRecord(text, { file: file.path, delimiter: "," }, (record) => {
    if (header) {
      header = false;
      return;
    }
    const token = record.fields[1];
    if (token === undefined) throw new Error(`${file.path} line ${record.line}: no value column`);
    try {
      values.push(pandasLegacyFloat(token));
    } catch (error) {
      throw new Error(`${file.path} line ${record.line}: ${(error as Error).message}`);
    }
  });
  return Float64Array.from(values);
}
