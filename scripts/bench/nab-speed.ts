// Points per CPU second of the NAB streaming detectors, and a bit-for-bit check of their scores:
// `node --import tsx scripts/bench/nab-speed.ts [--detectors cad,artime,ours,rcf] [--files <n> | --keys <k1,k2>]
//  [--src <checkout or tsc output folder>] [--against <another>] [--rounds <n>] [--save <scores.json>]
//  [--check <scores.json>] [--resume-at <fraction>]`
// (ANOMALY_LAB_DATA_MIRROR must point at the datasets). Each detector streams the chosen NAB files (all 58 by
// default) as `npm run nab` streams them; the time is the process's CPU time (user + system, process.cpuUsage)
// around the detection loops only, so a busy shared machine inflates it far less than wall time. --src runs the
// detectors of another checkout (e.g. a copy of the old sources: `git archive HEAD src | tar -x -C /tmp/old`),
// and --against another one, file by file in alternating order, comparing their scores with Object.is; with
// --rounds each file's time is the least over the rounds (other processes only add time). --save writes every
// score, --check compares with Object.is against a saved run and lists the first differing rows; --resume-at 0.5
// saves every stream halfway through its file, restores it from JSON and continues (to check snapshots; its
// time counts then).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { loadNabCorpus } from "../../src/data/nab-corpus";
import { nabValuesAsNabReadThem } from "../../src/timeseries/nab-input";
import type { NabEntry } from "../../src/timeseries/nab-benchmark";
import type { StreamingDetector, StreamSnapshot } from "../../src/timeseries/stream";

const SHORT_NAMES: Record<string, string> = { ours: "ours", cad: "CAD OSE", artime: "ARTime", rcf: "RRCF" };

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function toBase64(scores: Float64Array): string {
  return Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength).toString("base64");
}

function fromBase64(text: string): Float64Array {
  const bytes = Buffer.from(text, "base64");
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function main(): Promise<void> {
  const root = path.resolve(argument("src") ?? path.join(__dirname, "..", ".."));
  const wanted = (argument("detectors") ?? "cad,artime,ours,rcf").split(",");
  for (const w of wanted) if (!(w in SHORT_NAMES)) throw new Error(`--detectors: unknown "${w}" (known: ${Object.keys(SHORT_NAMES).join(", ")})`);
  const keys = argument("keys")?.split(",");
  let corpus = await loadNabCorpus(keys === undefined ? {} : { keys });
  const files = argument("files");
  if (files !== undefined) corpus = corpus.slice(0, Number(files));
  const nabValues = new Map<string, Float64Array>();
  for (const series of corpus) nabValues.set(series.key, await nabValuesAsNabReadThem(series.key));
  const roots = [root, ...(argument("against") === undefined ? [] : [path.resolve(argument("against")!)])];
  const builds = [];
  for (const r of roots) {
    // A checkout, or a tsc output folder (whose plain JavaScript profiles with line numbers).
    const source = path.join(r, "src/timeseries/nab-leaders.ts");
    const leadersModule = fs.existsSync(source) ? source : path.join(r, "timeseries/nab-leaders.js");
    const leaders = (await import(pathToFileURL(leadersModule).href)) as {
      nabLeaderEntries(values: ReadonlyMap<string, ArrayLike<number>>): NabEntry[];
    };
    builds.push({ root: r, entries: leaders.nabLeaderEntries(nabValues) });
  }
  const rounds = Number(argument("rounds") ?? 1);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${argument("rounds")}`);
  const resumeText = argument("resume-at");
  const resumeAt = resumeText === undefined ? undefined : Number(resumeText);
  if (resumeAt !== undefined && !(resumeAt >= 0 && resumeAt < 1)) throw new Error(`--resume-at must be a fraction in [0, 1), got ${resumeText}`);
  const checkFile = argument("check");
  type SavedScores = Record<string, Record<string, string>>;
  const expected = checkFile === undefined ? undefined : (JSON.parse(fs.readFileSync(checkFile, "utf8")) as SavedScores);
  const saved: SavedScores = {};
  const points = corpus.reduce((s, c) => s + c.values.length, 0);
  console.log(`${corpus.length} files, ${points} points, ${rounds} round(s); load average ${os.loadavg()[0]!.toFixed(1)}`);
  let mismatches = 0;
  for (const short of wanted) {
    const buildEntries = builds.map((b) => {
      const entry = b.entries.find((e) => e.name.startsWith(SHORT_NAMES[short]!) || (short === "ours" && e.name.startsWith("ours")));
      if (entry?.stream === undefined) throw new Error(`no streaming entry for ${short} in ${b.root}`);
      return entry;
    });
    const detectors: StreamingDetector[] = buildEntries.map((e) => e.stream!);
    // Per build and file: the least CPU time over the rounds (other processes only ever add time).
    const best = builds.map(() => corpus.map(() => Infinity));
    saved[short] = {};
    let differing = 0;
    for (let round = 0; round < rounds; round++) {
      for (const [f, series] of corpus.entries()) {
        const values = buildEntries[0]!.values?.(series) ?? series.values;
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < values.length; i++) {
          min = Math.min(min, values[i]!);
          max = Math.max(max, values[i]!);
        }
        const outputs: Float64Array[] = [];
        // Alternate which build goes first, so neither always runs on a warmer or busier machine.
        const order = builds.map((_, b) => b);
        if ((f + round) % 2 === 1) order.reverse();
        for (const b of order) {
          const detector = detectors[b]!;
          const scores = new Float64Array(values.length);
          const started = cpuSeconds();
          let stream = detector.open({ min, max, length: values.length });
          const resumeRow = resumeAt === undefined ? -1 : Math.floor(values.length * resumeAt);
          for (let i = 0; i < values.length; i++) {
            if (i === resumeRow) stream = detector.restore(JSON.parse(JSON.stringify(stream.snapshot())) as StreamSnapshot);
            scores[i] = stream.update(series.timestamps[i]!, values[i]!);
          }
          best[b]![f] = Math.min(best[b]![f]!, cpuSeconds() - started);
          outputs[b] = scores;
        }
        if (round > 0) continue;
        saved[short]![series.key] = toBase64(outputs[0]!);
        const references = outputs.slice(1).map((o) => ({ scores: o, what: "the --against build" }));
        const want = expected?.[short]?.[series.key];
        if (want !== undefined) references.push({ scores: fromBase64(want), what: checkFile! });
        for (const reference of references) {
          const rows: number[] = [];
          for (let i = 0; i < values.length; i++) if (!Object.is(outputs[0]![i], reference.scores[i])) rows.push(i);
          if (rows.length > 0 || reference.scores.length !== values.length) {
            const first = rows.slice(0, 5).join(", ");
            if (++differing <= 5) console.log(`  ${short} ${series.key}: ${rows.length} rows differ from ${reference.what} (first ${first})`);
          }
        }
      }
    }
    mismatches += differing;
    const compared = builds.length > 1 || expected?.[short] !== undefined;
    const checked = compared ? `; scores ${differing === 0 ? "identical (Object.is)" : "DIFFER"}` : "";
    for (const [b, build] of builds.entries()) {
      const cpu = best[b]!.reduce((s, x) => s + x, 0);
      const rate = Math.round(points / cpu).toString().padStart(8);
      const note = `${build.root}${b === 0 ? checked : ""}`;
      console.log(`${SHORT_NAMES[short]!.padEnd(8)} ${cpu.toFixed(2).padStart(7)} CPU s  ${rate} points/CPU s  ${note}`);
    }
  }
  const saveFile = argument("save");
  if (saveFile !== undefined) fs.writeFileSync(saveFile, JSON.stringify(saved));
  if (mismatches > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`nab-speed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
