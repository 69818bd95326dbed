// Fetching registry files: cache, mirror folder, http mirror (a local server on 127.0.0.1 that
// serves the project mirror, and can truncate or corrupt responses), and explicit paths.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, beforeEach, describe as suite, test } from "node:test";
import { loadCreditCard } from "../src/data/creditcard";
import { ChecksumMismatchError, DatasetUnavailableError } from "../src/data/errors";
import { describeLocalFile, fetchDatasetFile, FetchOptions } from "../src/data/fetch";
import { loadNab } from "../src/data/nab";
import { DATA_HOME_ENV, DATA_MIRROR_ENV, dataHome, userCacheDir } from "../src/data/paths";
import { registryFile } from "../src/data/registry";
import { MIRROR_ROOT } from "./helpers/mirror";

const mirrorRoot = MIRROR_ROOT;
const NAB = "nab";
const SMALL = "data/realKnownCause/rogue_agent_key_hold.csv"; // 55 kB
const SMALL_PATH = `nab/${SMALL}`;
const smallEntry = registryFile(NAB, SMALL);

let server: http.Server;
let baseUrl = "";
let requests = 0;
let cache = "";

/**
 * Routes: /good/<path> as is; /truncated/<path> stops half-way; /corrupt/<path> flips a byte; /short/<path> half,
 * honestly announced; /stall/<path> sends half and waits.
 */
before(async () => {
  server = http.createServer((req, res) => {
    requests++;
    const [, mode, ...rest] = decodeURIComponent(req.url ?? "").split("/");
    const file = path.join(mirrorRoot, ...rest);
    if (!file.startsWith(mirrorRoot + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    const bytes = fs.readFileSync(file);
    const half = bytes.subarray(0, bytes.length >> 1);
    if (mode === "good") res.writeHead(200, { "Content-Length": bytes.length }).end(bytes);
    else if (mode === "short") res.writeHead(200, { "Content-Length": half.length }).end(half);
    else if (mode === "corrupt") {
      const bad = Buffer.from(bytes);
      bad[100] = bad[100]! ^ 0x01;
      res.writeHead(200, { "Content-Length": bad.length }).end(bad);
    } else if (mode === "stall") {
      res.writeHead(200, { "Content-Length": bytes.length });
      res.write(half); // and nothing more, until the client goes away
    } else if (mode === "truncated") {
      res.writeHead(200, { "Content-Length": bytes.length });
      res.write(half, () => res.socket?.destroy());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const caches: string[] = [];
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "anomaly-lab-cache-"));
  caches.push(cache);
});
after(() => caches.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

const httpOptions = (mode: string): FetchOptions => ({ mirror: `${baseUrl}/${mode}`, dataHome: cache, allowUpstream: false, progress: false });

function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

/** A temp file as a download leaves it: `<name>.<pid>-<hex>.part`, last written `idleSeconds` ago. */
function leftover(folder: string, name: string, pid: number, hex: string, idleSeconds: number): string {
  const part = path.join(folder, `${name}.${pid}-${hex}.part`);
  fs.writeFileSync(part, "partial bytes");
  const when = (Date.now() - idleSeconds * 1000) / 1000;
  fs.utimesSync(part, when, when);
  return part;
}

suite("leftovers of interrupted downloads", () => {
  test("a download killed mid-way (kill -9) leaves its .part; the next fetch, 10 minutes on, deletes it and downloads", async () => {
    const folder = path.join(cache, ...path.dirname(SMALL_PATH).split("/"));
    const script = `require("./src/data/fetch").fetchDatasetFile(${JSON.stringify(NAB)}, ${JSON.stringify(SMALL)}, ${JSON.stringify(httpOptions("stall"))})`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: "ignore" });
    const parts = (): string[] => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith(".part")) : []);
    for (let waited = 0; parts().length === 0; waited += 50) {
      if (waited > 30_000) assert.fail("the child never started its download");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await once(child, "exit");
    const [part] = parts();
    assert.match(part!, new RegExp(`^rogue_agent_key_hold\\.csv\\.${child.pid}-[0-9a-f]{8}\\.part$`));
    const tenMinutesAgo = (Date.now() - 10 * 60_000) / 1000;
    fs.utimesSync(path.join(folder, part!), tenMinutesAgo, tenMinutesAgo);
    assert.equal((await fetchDatasetFile(NAB, SMALL, httpOptions("good"))).verification, "verified");
    assert.deepEqual(fs.readdirSync(folder), ["rogue_agent_key_hold.csv"]);
  });

  test("the next fetch deletes .part files whose process is gone, or unwritten for a day; a running process's part is kept", async () => {
    const folder = path.join(cache, ...path.dirname(SMALL_PATH).split("/"));
    fs.mkdirSync(folder, { recursive: true });
    const name = path.basename(SMALL_PATH);
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!; // a process that has exited
    const running = process.ppid;
    const killed = leftover(folder, name, gone, "0000dead", 3600); // a download killed an hour ago
    const otherFile = leftover(folder, "nyc_taxi.csv", gone, "0000beef", 3600); // another file of the folder
    const slow = leftover(folder, name, running, "00005104", 3600); // a running process, quiet for an hour
    const abandoned = leftover(folder, name, running, "0000abcd", 25 * 3600); // quiet for a day: its pid was reused
    const fresh = leftover(folder, name, gone, "0000f00d", 60); // written a minute ago (another machine sharing the cache?)
    const unrelated = path.join(folder, "notes.part");
    fs.writeFileSync(unrelated, "not a download's temp file");
    const fetched = await fetchDatasetFile(NAB, SMALL, httpOptions("good"));
    assert.equal(fetched.verification, "verified");
    const left = (p: string): boolean => fs.existsSync(p);
    assert.deepEqual([killed, otherFile, abandoned].filter(left), [], "leftovers deleted");
    assert.deepEqual([slow, fresh, unrelated].filter(left), [slow, fresh, unrelated], "parts that may be in use kept");
    // A cache hit cleans up too.
    const later = leftover(folder, name, gone, "0000cafe", 3600);
    assert.equal((await fetchDatasetFile(NAB, SMALL, httpOptions("good"))).source, "cache");
    assert.equal(fs.existsSync(later), false);
  });
});

suite("http mirror", () => {
  test("downloads into the cache, verified; the next call uses the cache without network", async () => {
    const first = await fetchDatasetFile(NAB, SMALL, httpOptions("good"));
    assert.equal(first.source, "mirror-http");
    assert.equal(first.origin, `${baseUrl}/good/${SMALL_PATH}`);
    assert.equal(first.verification, "verified");
    assert.equal(first.path, path.join(cache, ...SMALL_PATH.split("/")));
    assert.equal(first.sha256, smallEntry.sha256);
    const seen = requests;
    const second = await fetchDatasetFile(NAB, SMALL, httpOptions("good"));
    assert.equal(second.source, "cache");
    assert.equal(requests, seen, "no request for a cached, verified file");
    assert.deepEqual(filesUnder(cache), ["rogue_agent_key_hold.csv"]);
  });

  test("a loader works through the http mirror (data + label files)", async () => {
    const nab = await loadNab("rogue_agent_key_hold", httpOptions("good"));
    assert.equal(nab.df.height, 1882);
    assert.equal(nab.source.windows.source, "mirror-http");
  });

  test("a truncated response is an error and leaves nothing in the cache", async () => {
    await assert.rejects(fetchDatasetFile(NAB, SMALL, httpOptions("truncated")), (error: Error) => {
      assert.ok(error instanceof DatasetUnavailableError, String(error));
      assert.match(error.message, new RegExp(`mirror-http ${baseUrl}/truncated/${SMALL_PATH}: Download of ${SMALL_PATH} .*(broke off|truncated)`));
      return true;
    });
    assert.deepEqual(filesUnder(cache), []);
  });

  test("a short but honestly announced response fails the size check and leaves nothing", async () => {
    await assert.rejects(fetchDatasetFile(NAB, SMALL, httpOptions("short")), /has 27763 bytes; the registry expects 55527/);
    assert.deepEqual(filesUnder(cache), []);
  });

  test("a wrong checksum names the file, expected and actual sha256, and leaves nothing", async () => {
    const bad = Buffer.from(fs.readFileSync(path.join(mirrorRoot, SMALL_PATH)));
    bad[100] = bad[100]! ^ 0x01;
    const badSha = createHash("sha256").update(bad).digest("hex");
    await assert.rejects(fetchDatasetFile(NAB, SMALL, httpOptions("corrupt")), (error: Error) => {
      assert.ok(error instanceof ChecksumMismatchError);
      assert.equal(error.file, SMALL_PATH);
      assert.equal(error.expected, smallEntry.sha256);
      assert.equal(error.actual, badSha);
      assert.match(error.message, new RegExp(`Checksum mismatch for ${SMALL_PATH} .*expected sha256 ${smallEntry.sha256}, got ${badSha}`));
      return true;
    });
    assert.deepEqual(filesUnder(cache), []);
  });

  test("a file missing everywhere lists every source tried", async () => {
    await assert.rejects(fetchDatasetFile("creditcard-fraud", "creditcard.csv", httpOptions("good")), (error: Error) => {
      assert.ok(error instanceof DatasetUnavailableError);
      assert.match(error.message, /cache .*creditcard\.csv: not present/);
      assert.match(error.message, /mirror-http .*creditcard_fraud\/creditcard\.csv: HTTP 404/);
      assert.match(error.message, /upstream: disabled/);
      return true;
    });
  });

  test("a hand-edited cache file is replaced by a verified copy", async () => {
    const cached = path.join(cache, ...SMALL_PATH.split("/"));
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, "timestamp,value\n");
    const fetched = await fetchDatasetFile(NAB, SMALL, httpOptions("good"));
    assert.equal(fetched.source, "mirror-http");
    assert.equal(createHash("sha256").update(fs.readFileSync(cached)).digest("hex"), smallEntry.sha256);
  });

  test("progress goes to stderr as one redrawn line", async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await fetchDatasetFile(NAB, SMALL, { ...httpOptions("good"), progress: true });
    } finally {
      process.stderr.write = original;
    }
    const text = written.join("");
    assert.match(text, /\rDownloading nab\/data\/realKnownCause\/rogue_agent_key_hold\.csv: 54\.2 KiB \/ 54\.2 KiB \(100%\)\n$/);
  });

  test("the env vars select the mirror and the cache", async () => {
    const saved = { mirror: process.env[DATA_MIRROR_ENV], home: process.env[DATA_HOME_ENV] };
    process.env[DATA_MIRROR_ENV] = `${baseUrl}/good/`;
    process.env[DATA_HOME_ENV] = cache;
    try {
      const fetched = await fetchDatasetFile(NAB, SMALL, { allowUpstream: false, progress: false });
      assert.equal(fetched.source, "mirror-http");
      assert.ok(fetched.path.startsWith(cache));
    } finally {
      for (const [name, value] of [[DATA_MIRROR_ENV, saved.mirror], [DATA_HOME_ENV, saved.home]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

suite("the default cache folder", () => {
  test("is the user's cache ($XDG_CACHE_HOME or ~/.cache)/anomaly-lab, and ANOMALY_LAB_DATA_HOME still wins", () => {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: "/tmp/xdg-cache" }), path.join("/tmp/xdg-cache", "anomaly-lab"));
    // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
    assert.equal(userCacheDir({ XDG_CACHE_HOME: "relative/cache" }), path.join(os.homedir(), ".cache", "anomaly-lab"));
    assert.equal(userCacheDir({}), path.join(os.homedir(), ".cache", "anomaly-lab"));
    const saved = { home: process.env[DATA_HOME_ENV], xdg: process.env.XDG_CACHE_HOME };
    try {
      delete process.env[DATA_HOME_ENV];
      process.env.XDG_CACHE_HOME = "/tmp/xdg-cache";
      assert.equal(dataHome(), path.join("/tmp/xdg-cache", "anomaly-lab"));
      process.env[DATA_HOME_ENV] = cache;
      assert.equal(dataHome(), cache);
      assert.equal(dataHome("/explicit/option"), "/explicit/option");
    } finally {
      for (const [name, value] of [[DATA_HOME_ENV, saved.home], ["XDG_CACHE_HOME", saved.xdg]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

suite("mirror folder and explicit paths", () => {
  test("a folder mirror is used in place, not copied", async () => {
    const fetched = await fetchDatasetFile(NAB, SMALL, { mirror: mirrorRoot, dataHome: cache, allowUpstream: false });
    assert.equal(fetched.source, "mirror-folder");
    assert.equal(fetched.path, path.join(mirrorRoot, ...SMALL_PATH.split("/")));
    assert.deepEqual(filesUnder(cache), []);
  });

  test("a wrong file in a folder mirror is a checksum error naming it", async () => {
    const fakeMirror = path.join(cache, "mirror");
    const target = path.join(fakeMirror, ...SMALL_PATH.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, "timestamp,value\n2014-07-15 00:00:00,1\n");
    await assert.rejects(
      fetchDatasetFile(NAB, SMALL, { mirror: fakeMirror, dataHome: path.join(cache, "home"), allowUpstream: false }),
      new RegExp(`Checksum mismatch for ${SMALL_PATH} \\(from ${target.replace(/[.]/g, "\\.")}\\): expected sha256 ${smallEntry.sha256}, got [0-9a-f]{64}\\. The mirror file was not used`),
    );
  });

  test("an explicit path is described against the registry, never rejected for its checksum", async () => {
    const same = await describeLocalFile(NAB, path.join(mirrorRoot, SMALL_PATH));
    assert.equal(same.verification, `verified: explicit path equals registry file ${SMALL_PATH}`);
    assert.equal(same.fileId, SMALL);
    const other = path.join(cache, "creditcard_small.csv");
    const lines = fs.readFileSync(path.join(mirrorRoot, "creditcard_fraud/creditcard_sample.csv"), "utf8").split("\n");
    fs.writeFileSync(other, lines.slice(0, 11).join("\n") + "\n");
    const cc = await loadCreditCard({ path: other });
    assert.equal(cc.variant, "other");
    assert.equal(cc.nRows, 10);
    assert.equal(cc.source.source, "local-path");
    assert.match(cc.source.verification, /^unverified: explicit path, sha256 [0-9a-f]{64} matches no registry file of creditcard-fraud$/);
    assert.match(cc.description, /non-standard file: 10 transactions/);
    assert.match(cc.description, /File creditcard_small\.csv from a file you named \(path option\) \(unverified: explicit path, sha256 [0-9a-f]{64} matches no registry file of creditcard-fraud\)\.$/);
    assert.ok(!cc.description.includes(cache), "the description must not carry the local folder");
    assert.equal(cc.source.path, other);
  });

  test("a missing explicit path says so", async () => {
    await assert.rejects(loadCreditCard({ path: path.join(cache, "nope.csv") }), /File not found: .*nope\.csv \(the "path" argument\)/);
  });
});
