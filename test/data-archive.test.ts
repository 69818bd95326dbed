// Safe zip extraction (extractZip) and the UCR ECG5000 archive path of loadEcg5000Ucr. The zips are
// built here byte by byte (zlib for deflate and CRC-32), so that unsafe entries, which zip writers
// refuse to create, can be tested; one test also reads a zip written by Info-ZIP's `zip`, when present.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, test } from "node:test";
import * as zlib from "node:zlib";
import { ArchiveError, extractZip, readZipEntries } from "../src/data/archive";
import { loadEcg5000Ucr } from "../src/data/ecg5000";
import { DatasetUnavailableError } from "../src/data/errors";
import { DATA_HOME_ENV, DATA_MIRROR_ENV } from "../src/data/paths";
import { mirrorFile } from "./helpers/mirror";

/** One entry of a hand-made zip; the overrides forge what a malicious or damaged archive declares. */
interface EntrySpec {
  name: string;
  data?: Buffer;
  deflate?: boolean;
  /** Unix mode stored in the high bits of the external attributes (0o100644 = regular file). */
  mode?: number;
  declaredSize?: number;
  crc?: number;
}

/** A minimal zip (local headers, central directory, end record), entries marked as made on Unix. */
function makeZip(entries: EntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const body = e.deflate ? zlib.deflateRawSync(data) : data;
    const name = Buffer.from(e.name, "utf8");
    const crc = e.crc ?? zlib.crc32(data);
    const size = e.declaredSize ?? data.length;
    const method = e.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? (e.name.endsWith("/") ? 0o040755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-archive-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

/** A fresh folder holding `archive.zip` and an (absent) target folder `out/`. */
function workspace(entries: EntrySpec[]): { root: string; zip: string; target: string } {
  const root = path.join(scratch, `case-${++counter}`);
  fs.mkdirSync(root);
  const zip = path.join(root, "archive.zip");
  fs.writeFileSync(zip, makeZip(entries));
  return { root, zip, target: path.join(root, "out") };
}

/** Every path under a folder, relative, sorted (files and folders). */
function tree(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true }) as string[]).map((p) => p.split(path.sep).join("/")).sort();
}

const text = (s: string) => Buffer.from(s, "utf8");

suite("extractZip", () => {
  test("extracts stored, deflated and folder entries; contents equal", async () => {
    const csv = text("a,b\n" + "1,2\n".repeat(1000));
    const { zip, target } = workspace([
      { name: "readme.txt", data: text("hello\n") },
      { name: "dir/" },
      { name: "dir/sub/table.csv", data: csv, deflate: true },
    ]);
    const written = await extractZip(zip, target);
    assert.deepEqual(written, [path.join(target, "readme.txt"), path.join(target, "dir", "sub", "table.csv")]);
    assert.equal(fs.readFileSync(written[0]!, "utf8"), "hello\n");
    assert.deepEqual(fs.readFileSync(written[1]!), csv);
    assert.deepEqual(tree(target), ["dir", "dir/sub", "dir/sub/table.csv", "readme.txt"]);
  });

  test("only: extracts just the named files and replaces an existing copy", async () => {
    const { zip, target } = workspace([
      { name: "ECG5000_TRAIN.txt", data: text("train\n") },
      { name: "ECG5000_TEST.txt", data: text("test\n"), deflate: true },
    ]);
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "ECG5000_TEST.txt"), "old\n");
    const written = await extractZip(zip, target, { only: ["ECG5000_TEST.txt"] });
    assert.deepEqual(written, [path.join(target, "ECG5000_TEST.txt")]);
    assert.equal(fs.readFileSync(written[0]!, "utf8"), "test\n");
    assert.deepEqual(tree(target), ["ECG5000_TEST.txt"]);
  });

  test("deletes the .part files an interrupted extraction of the same names left (process gone), not others", async () => {
    const { zip, target } = workspace([{ name: "ECG5000_TEST.txt", data: text("test\n") }]);
    fs.mkdirSync(target);
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    const part = (name: string): string => {
      const p = path.join(target, `${name}.${gone}-0000dead.part`);
      fs.writeFileSync(p, "partial");
      fs.utimesSync(p, hourAgo, hourAgo);
      return p;
    };
    const ours = part("ECG5000_TEST.txt");
    const notExtracted = part("user-file.txt"); // the target may be any folder: only the names written are cleaned
    await extractZip(zip, target);
    assert.deepEqual(tree(target), ["ECG5000_TEST.txt", path.basename(notExtracted)]);
    assert.equal(fs.existsSync(ours), false);
  });

  test("only: a name the archive lacks is an error listing its files", async () => {
    const { zip, target } = workspace([{ name: "a.txt", data: text("a") }, { name: "b.txt", data: text("b") }]);
    await assert.rejects(extractZip(zip, target, { only: ["c.txt"] }), (error: Error) => {
      assert.ok(error instanceof ArchiveError);
      assert.equal(error.entry, "c.txt");
      assert.match(error.message, /entry "c\.txt": no such file in the archive; it has: a\.txt, b\.txt\. Nothing was extracted\./);
      return true;
    });
    assert.deepEqual(tree(target), []);
  });

  test("reads a zip written by Info-ZIP's zip (data descriptors, extra fields)", { skip: !fs.existsSync("/usr/bin/zip") }, async () => {
    const root = path.join(scratch, `case-${++counter}`);
    fs.mkdirSync(path.join(root, "src", "nested"), { recursive: true });
    const big = Buffer.from(Array.from({ length: 50000 }, (_, i) => `${i}\n`).join(""));
    fs.writeFileSync(path.join(root, "src", "nested", "numbers.txt"), big);
    fs.writeFileSync(path.join(root, "src", "small.txt"), "small\n");
    const zip = path.join(root, "info.zip");
    // "-fd" forces data descriptors, as streamed zips have; "-" would read stdin, so name the files.
    const run = spawnSync("/usr/bin/zip", ["-q", "-r", "-fd", zip, "."], { cwd: path.join(root, "src") });
    assert.equal(run.status, 0, String(run.stderr));
    const written = await extractZip(zip, path.join(root, "out"));
    assert.deepEqual(written.map((p) => path.relative(path.join(root, "out"), p).split(path.sep).join("/")).sort(), ["nested/numbers.txt", "small.txt"]);
    assert.deepEqual(fs.readFileSync(path.join(root, "out", "nested", "numbers.txt")), big);
  });

  for (const [evil, problem] of [
    ["../evil.txt", /has a "\.\." component/],
    ["sub/../../evil.txt", /has a "\.\." component/],
    ["..\\evil.txt", /has a "\.\." component/],
    ["/abs.txt", /has an absolute path/],
    ["C:/abs.txt", /has an absolute path/],
  ] as const) {
    test(`rejects the entry ${JSON.stringify(evil)}; nothing is written inside or outside the target`, async () => {
      const { root, zip, target } = workspace([
        { name: "good.txt", data: text("fine\n") }, // comes first: must not be left behind either
        { name: evil, data: text("pwned\n") },
      ]);
      const before = tree(root);
      await assert.rejects(extractZip(zip, target), (error: Error) => {
        assert.ok(error instanceof ArchiveError, String(error));
        assert.equal(error.entry, evil);
        assert.equal(error.archive, zip);
        assert.match(error.problem, problem);
        assert.ok(error.message.startsWith(`Zip archive ${zip}, entry ${JSON.stringify(evil)}: `), error.message);
        return true;
      });
      assert.deepEqual(tree(root), before, "no file and no folder was created");
    });
  }

  test("rejects a symbolic link entry", async () => {
    const { root, zip, target } = workspace([{ name: "link", data: text("../../etc/passwd"), mode: 0o120777 }]);
    await assert.rejects(extractZip(zip, target), (error: Error) => {
      assert.ok(error instanceof ArchiveError);
      assert.equal(error.entry, "link");
      assert.match(error.message, /entry "link": is a symbolic link/);
      return true;
    });
    assert.deepEqual(tree(root), ["archive.zip"]);
  });

  test("a folder in the target that links outside it is not written through", async () => {
    const { root, zip, target } = workspace([{ name: "escape/x.txt", data: text("x") }]);
    const outside = path.join(root, "outside");
    fs.mkdirSync(outside);
    fs.mkdirSync(target);
    fs.symlinkSync(outside, path.join(target, "escape"));
    await assert.rejects(extractZip(zip, target), /entry "escape\/x\.txt": its folder .* resolves to .*outside, outside the target folder/);
    assert.deepEqual(tree(outside), []);
  });

  test("a zip bomb over maxBytes is rejected from its declared sizes", async () => {
    const { root, zip, target } = workspace([
      { name: "ok.txt", data: text("ok") },
      { name: "bomb.bin", data: Buffer.alloc(2 * 1024 * 1024), deflate: true },
    ]);
    assert.ok(fs.statSync(zip).size < 10_000, "2 MiB of zeros deflate to a few kB");
    await assert.rejects(extractZip(zip, target, { maxBytes: 1024 * 1024 }), (error: Error) => {
      assert.ok(error instanceof ArchiveError);
      assert.equal(error.entry, "bomb.bin");
      assert.match(error.message, /would bring the extracted size to 2097154 bytes, over maxBytes = 1048576 \(zip bomb\?\)/);
      return true;
    });
    assert.deepEqual(tree(root), ["archive.zip"]);
  });

  test("a bomb that lies about its size is stopped while inflating; the finished file before it is removed", async () => {
    const { root, zip, target } = workspace([
      { name: "ok.txt", data: text("ok") },
      { name: "liar.bin", data: Buffer.alloc(4 * 1024 * 1024), deflate: true, declaredSize: 100 },
    ]);
    await assert.rejects(extractZip(zip, target, { maxBytes: 1024 * 1024 }), (error: Error) => {
      assert.ok(error instanceof ArchiveError);
      assert.equal(error.entry, "liar.bin");
      assert.match(error.problem, /too many bytes|past maxBytes/);
      return true;
    });
    assert.deepEqual(tree(root), ["archive.zip"], "no .part file and no ok.txt left");
  });

  test("a damaged file (CRC-32 mismatch) is rejected", async () => {
    const data = text("1,2,3\n");
    const { root, zip, target } = workspace([{ name: "data.csv", data, crc: zlib.crc32(data) ^ 1 }]);
    await assert.rejects(extractZip(zip, target), /entry "data\.csv": CRC-32 mismatch \(damaged archive\)/);
    assert.deepEqual(tree(root), ["archive.zip"]);
  });

  test("a file that is not a zip, a missing file and a bad maxBytes are clear errors", async () => {
    const notZip = path.join(scratch, "not-a.zip");
    fs.writeFileSync(notZip, "plain text, no zip records\n");
    await assert.rejects(extractZip(notZip, path.join(scratch, "x")), /Zip archive .*not-a\.zip: not a readable zip file \(End of central directory record signature not found\. Either not a zip file, or file is truncated\)\. Nothing was extracted\.$/);
    await assert.rejects(extractZip(path.join(scratch, "missing.zip"), scratch), /File not found: .*missing\.zip \(the "zipFile" argument\)/);
    await assert.rejects(extractZip(notZip, scratch, { maxBytes: -1 }), /maxBytes must be a non-negative integer byte count, got -1/);
  });
});

suite("readZipEntries", () => {
  test("reads stored and deflated files into memory, skipping folders; writes nothing", async () => {
    const { root, zip } = workspace([
      { name: "dir/", mode: 0o040755 },
      { name: "dir/a.txt", data: text("alpha") },
      { name: "b.bin", data: Buffer.alloc(5000, 7), deflate: true },
    ]);
    const files = await readZipEntries(zip);
    assert.deepEqual([...files.keys()], ["dir/a.txt", "b.bin"]);
    assert.equal(files.get("dir/a.txt")!.toString("utf8"), "alpha");
    assert.ok(files.get("b.bin")!.equals(Buffer.alloc(5000, 7)));
    assert.deepEqual(tree(root), ["archive.zip"]);
  });

  test("the checks of extractZip hold: size cap, lying sizes, CRC-32, unsafe names, missing entries", async () => {
    const bomb = workspace([{ name: "bomb.bin", data: Buffer.alloc(2 * 1024 * 1024), deflate: true }]).zip;
    await assert.rejects(readZipEntries(bomb, { maxBytes: 1024 * 1024 }), /entry "bomb\.bin": would bring the size read to 2097152 bytes, over maxBytes = 1048576/);
    const liar = workspace([{ name: "liar.bin", data: Buffer.alloc(4 * 1024 * 1024), deflate: true, declaredSize: 100 }]).zip;
    await assert.rejects(readZipEntries(liar, { maxBytes: 1024 * 1024 }), (e: unknown) => e instanceof ArchiveError && e.entry === "liar.bin");
    const data = text("1,2\n");
    const damaged = workspace([{ name: "d.csv", data, crc: zlib.crc32(data) ^ 1 }]).zip;
    await assert.rejects(readZipEntries(damaged), /entry "d\.csv": CRC-32 mismatch \(damaged archive\)/);
    const evil = workspace([{ name: "../up.txt", data: text("x") }]).zip;
    await assert.rejects(readZipEntries(evil), /entry "\.\.\/up\.txt": has a "\.\." component/);
    const plain = workspace([{ name: "a.txt", data: text("a") }]).zip;
    await assert.rejects(readZipEntries(plain, { only: ["X.npy"] }), /entry "X\.npy": no such file in the archive; it has: a\.txt/);
  });
});

suite("loadEcg5000Ucr from the UCR archive", () => {
  // ECG5000_TEST.txt in the test zip: the first 20 beats of the real TRAIN file (same format).
  const trainText = fs.readFileSync(mirrorFile("ecg5000", "ECG5000_TRAIN.txt"), "utf8");
  const lines = trainText.split("\n").slice(0, 20);
  const testText = lines.join("\n") + "\n";
  const rows = lines.map((line) => line.trim().split(/\s+/).map(Number));
  const ucrZip = makeZip([
    { name: "ECG5000_TEST.arff", data: text("@relation ECG5000\n") },
    { name: "ECG5000_TEST.txt", data: text(testText), deflate: true },
  ]);
  let server: http.Server;
  let baseUrl = "";
  let requests: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? "");
      if (req.url === "/ucr/ecg5000/ECG5000.zip") res.writeHead(200, { "Content-Length": ucrZip.length }).end(ucrZip);
      else res.writeHead(404).end("not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs `body` with the mirror and cache env vars set, restoring them afterwards. */
  async function withEnv<T>(mirror: string, home: string, body: () => Promise<T>): Promise<T> {
    const saved = [process.env[DATA_MIRROR_ENV], process.env[DATA_HOME_ENV]] as const;
    process.env[DATA_MIRROR_ENV] = mirror;
    process.env[DATA_HOME_ENV] = home;
    try {
      return await body();
    } finally {
      for (const [name, value] of [[DATA_MIRROR_ENV, saved[0]], [DATA_HOME_ENV, saved[1]]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  test('"TEST" fetches the zip from the http mirror, extracts the split into the cache, then reads the cache', async () => {
    const home = fs.mkdtempSync(path.join(scratch, "home-"));
    requests = [];
    const offline = { allowUpstream: false, progress: false };
    const first = await withEnv(`${baseUrl}/ucr`, home, () => loadEcg5000Ucr("TEST", offline));
    assert.deepEqual(first.X.shape, [20, 140]);
    assert.deepEqual(first.classes, rows.map((r) => r[0]));
    assert.deepEqual(Array.from(first.X.data), rows.flatMap((r) => r.slice(1)));
    assert.equal(first.source.source, "mirror-http");
    assert.equal(first.source.origin, `${baseUrl}/ucr/ecg5000/ECG5000.zip, entry ECG5000_TEST.txt`);
    assert.equal(first.source.verification, "unverified: no checksum known (extracted from ecg5000/ECG5000.zip)");
    assert.equal(first.source.path, path.join(home, "ecg5000", "ucr-archive", "ECG5000_TEST.txt"));
    assert.match(first.description, /^ECG5000 UCR TEST split: 20 heartbeats x 140 samples \(class 1: \d+/);
    assert.deepEqual(tree(home), ["ecg5000", "ecg5000/ECG5000.zip", "ecg5000/ucr-archive", "ecg5000/ucr-archive/ECG5000_TEST.txt"]);
    assert.deepEqual(requests, ["/ucr/ecg5000/ECG5000.zip"]);

    const second = await withEnv(`${baseUrl}/ucr`, home, () => loadEcg5000Ucr("TEST", offline));
    assert.equal(second.source.source, "cache");
    assert.equal(second.source.verification, "unverified: no checksum known (extracted earlier from the UCR archive)");
    assert.deepEqual(second.classes, first.classes);
    assert.equal(requests.length, 1, "no request once the split is cached");
  });

  test('"TEST" with the zip nowhere lists every source tried and how to get it', async () => {
    const home = fs.mkdtempSync(path.join(scratch, "home-"));
    await assert.rejects(loadEcg5000Ucr("TEST", { mirror: `${baseUrl}/empty`, dataHome: home, allowUpstream: false, progress: false }), (error: Error) => {
      assert.ok(error instanceof DatasetUnavailableError, String(error));
      assert.equal(error.file, "ecg5000/ECG5000_TEST.txt");
      assert.match(error.message, /cache .*ucr-archive\/ECG5000_TEST\.txt: not present/);
      assert.match(error.message, /cache .*ecg5000\/ECG5000\.zip: not present/);
      assert.match(error.message, /mirror-http .*\/empty\/ecg5000\/ECG5000\.zip: HTTP 404/);
      assert.match(error.message, /upstream: disabled/);
      assert.match(error.message, /ECG5000_TEST\.txt is not in the registry on its own: it is extracted from the UCR archive ecg5000\/ECG5000\.zip \(https:\/\/www\.timeseriesclassification\.com\/aeon-toolkit\/ECG5000\.zip; no checksum known\)\. Download that zip and pass \{ archive: /);
      return true;
    });
    const files = tree(home).filter((p) => fs.statSync(path.join(home, p)).isFile());
    assert.deepEqual(files, [], "no file (not even a partial download) is left in the cache");
  });

  test("{ archive }: a local zip; an extracted TRAIN equal to the registry file counts as verified", async () => {
    const home = fs.mkdtempSync(path.join(scratch, "home-"));
    const zip = path.join(home, "Downloads-ECG5000.zip");
    fs.writeFileSync(zip, makeZip([
      { name: "ECG5000_TRAIN.txt", data: text(trainText), deflate: true },
      { name: "ECG5000_TEST.txt", data: text(testText), deflate: true },
    ]));
    const options = { archive: zip, dataHome: home, mirror: null, allowUpstream: false, progress: false };
    const test = await loadEcg5000Ucr("TEST", options);
    assert.equal(test.source.source, "local-path");
    assert.equal(test.source.verification, `unverified: no checksum known (extracted from ${path.basename(zip)})`);
    assert.deepEqual(test.classes, rows.map((r) => r[0]));
    const train = await loadEcg5000Ucr("TRAIN", options);
    assert.equal(train.source.verification, "verified: extracted file equals registry file ecg5000/ECG5000_TRAIN.txt");
    assert.deepEqual(train.classCounts, { 1: 292, 2: 177, 3: 10, 4: 19, 5: 2 });
    await assert.rejects(loadEcg5000Ucr("TEST", { ...options, path: zip }), /pass either "path" \(an extracted \.txt\) or "archive" \(the UCR zip\), not both/);
  });
});
