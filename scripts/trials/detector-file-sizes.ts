// Sizes of saved detector files on the credit-card subset (5,412 rows x 29 features: V1..V28 and Amount), and what
// the same state would take with its arrays as JSON decimal numbers instead of base64. Checks on the way that every
// loaded detector scores the training rows to the same bits. Not a timing benchmark: it prints sizes only.
//   ANOMALY_LAB_DATA_MIRROR=... node --import tsx scripts/trials/detector-file-sizes.ts
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ECODDetector,
  FeatureBaggingDetector,
  GMMDetector,
  HBOSDetector,
  IForestDetector,
  KMeansDetector,
  KNNDetector,
  LODADetector,
  LOFDetector,
  loadCreditCard,
  loadDetector,
  MCDDetector,
  OCSVMDetector,
  PCADetector,
  type Detector,
} from "../../src/index";

const FEATURES = [...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), "Amount"];

/** The file's text with every base64 array rewritten as a JSON array of decimal numbers (what plain JSON would take). */
function asDecimalJson(text: string): string {
  return JSON.stringify(
    JSON.parse(text, (_key, value: unknown) => {
      const encoded = value as { dtype?: string; base64?: string } | null;
      if (typeof encoded?.base64 !== "string") return value;
      const bytes = Buffer.from(encoded.base64, "base64");
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const values = encoded.dtype === "float64" ? new Float64Array(buffer) : encoded.dtype === "int32" ? new Int32Array(buffer) : new Uint8Array(buffer);
      return Array.from(values);
    }),
    null,
    1,
  );
}

async function main(): Promise<void> {
  const { df } = await loadCreditCard();
  const X = df.select(...FEATURES);
  const detectors: [string, Detector][] = [
    ["IForestDetector (100 trees)", new IForestDetector({ seed: 0 })],
    ["HBOSDetector", new HBOSDetector()],
    ["PCADetector", new PCADetector()],
    ["MCDDetector", new MCDDetector({ seed: 0 })],
    ["ECODDetector", new ECODDetector()],
    ["KNNDetector", new KNNDetector()],
    ["LOFDetector", new LOFDetector()],
    ["OCSVMDetector", new OCSVMDetector({ gamma: "scale" })],
    ["KMeansDetector (k = 4)", new KMeansDetector({ seed: 0 })],
    ["GMMDetector (1 component)", new GMMDetector({ seed: 0 })],
    ["LODADetector", new LODADetector({ seed: 0 })],
    ["FeatureBaggingDetector (10 LOFs)", new FeatureBaggingDetector({ seed: 0 })],
  ];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "detector-sizes-"));
  const rows: string[] = [];
  for (const [label, detector] of detectors) {
    detector.fit(X);
    const file = path.join(folder, `${detector.constructor.name}.json`);
    detector.save(file);
    const text = fs.readFileSync(file, "utf8");
    const loaded = (await loadDetector(file)) as Detector;
    const before = detector.score(X);
    const after = loaded.score(X);
    const same = before.every((value, i) => Object.is(value, after[i]));
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    rows.push(`${label.padEnd(34)} ${kb(Buffer.byteLength(text)).padStart(11)}   as decimal JSON ${kb(Buffer.byteLength(asDecimalJson(text))).padStart(11)}   same scores: ${same}`);
  }
  fs.rmSync(folder, { recursive: true, force: true });
  console.log(`credit-card subset, ${X.height} rows x ${X.width} features\n${rows.join("\n")}`);
}

void main();
