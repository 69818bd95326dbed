#!/usr/bin/env node
// Full-page PNG of an HTML file with headless Chromium, driven over the DevTools protocol.
// Chromium's --screenshot flag only captures the window, so for "full" height we ask the
// page for its content size and capture beyond the viewport. The protocol runs over
// --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON): no port, no WebSocket.
//
// Usage: node scripts/lib/screenshot-full-page.js <chromium> <file-url> <out.png> <width> [chromium flags...]
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");

const [chromium, url, outPng, widthText, ...flags] = process.argv.slice(2);
const width = Number(widthText);
if (!chromium || !url || !outPng || !Number.isInteger(width) || width <= 0) {
  console.error("usage: screenshot-full-page.js <chromium> <file-url> <out.png> <width> [chromium flags...]");
  process.exit(2);
}

const browser = spawn(chromium, [...flags, "--remote-debugging-pipe", "about:blank"], {
  stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
});
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];
let stderr = "";
browser.stderr.on("data", (chunk) => { stderr += chunk; });

let nextId = 1;
const pending = new Map();
const eventWaiters = [];
let buffered = "";
fromBrowser.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let end;
  while ((end = buffered.indexOf("\0")) >= 0) {
    const message = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject, method } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    } else if (message.method) {
      for (const waiter of eventWaiters.filter((w) => w.method === message.method)) {
        eventWaiters.splice(eventWaiters.indexOf(waiter), 1);
        waiter.resolve(message.params);
      }
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
function nextEvent(method) {
  return new Promise((resolve) => eventWaiters.push({ method, resolve }));
}

async function main() {
  const { targetInfos } = await send("Target.getTargets");
  const page = targetInfos.find((t) => t.type === "page");
  if (!page) throw new Error("Chromium opened no page target");
  const { sessionId } = await send("Target.attachToTarget", { targetId: page.targetId, flatten: true }, undefined);
  await send("Page.enable", {}, sessionId);
  // The width decides the layout; a short initial viewport lets the content size be the real height.
  await send("Emulation.setDeviceMetricsOverride", { width, height: 200, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = nextEvent("Page.loadEventFired");
  const navigation = await send("Page.navigate", { url }, sessionId);
  if (navigation.errorText) throw new Error(`cannot open ${url}: ${navigation.errorText}`);
  await loaded;
  const metrics = await send("Page.getLayoutMetrics", {}, sessionId);
  const size = metrics.cssContentSize || metrics.contentSize;
  const height = Math.ceil(size.height);
  const shot = await send("Page.captureScreenshot", {
    format: "png",
    captureBeyondViewport: true,
    clip: { x: 0, y: 0, width, height, scale: 1 },
  }, sessionId);
  fs.writeFileSync(outPng, Buffer.from(shot.data, "base64"));
  console.log(`${outPng}: ${width}x${height} (full page)`);
  await send("Browser.close").catch(() => undefined);
}

const watchdog = setTimeout(() => {
  console.error(`screenshot: timed out after 60 s loading ${url}`);
  browser.kill();
  process.exit(1);
}, 60_000);

main()
  .then(() => { clearTimeout(watchdog); })
  .catch((error) => {
    console.error(`screenshot: ${error.message}`);
    if (stderr.trim()) console.error(stderr.trim().split("\n").slice(-5).join("\n"));
    browser.kill();
    process.exit(1);
  });
