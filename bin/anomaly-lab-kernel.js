#!/usr/bin/env node
// The anomaly-lab Jupyter kernel: `node bin/anomaly-lab-kernel.js <connection_file>`.
// Jupyter runs it through the kernel.json that src/kernel/kernelspec.ts describes.
"use strict";
let kernel;
try {
  kernel = require("../dist/kernel/main.js");
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/kernel/main.js")) {
    console.error("anomaly-lab kernel: dist/ is not built; run `npm run build` in " + require("path").resolve(__dirname, ".."));
    process.exit(1);
  }
  throw error;
}
kernel.main(process.argv.slice(2));
