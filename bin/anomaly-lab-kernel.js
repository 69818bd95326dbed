#!/usr/bin/env node
// The anomaly-lab Jupyter kernel command (src/kernel/cli.ts):
//   anomaly-lab-kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]
//   anomaly-lab-kernel uninstall [--name NAME]
//   anomaly-lab-kernel --help | --version
//   anomaly-lab-kernel <connection_file>   (Jupyter runs this through the kernel.json that install writes)
"use strict";
let cli;
try {
  cli = require("../dist/kernel/cli.js");
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/kernel/cli.js")) {
    console.error("anomaly-lab-kernel: dist/ is not built; run `npm run build` in " + require("path").resolve(__dirname, ".."));
    process.exit(1);
  }
  throw error;
}
const status = cli.runCli(process.argv.slice(2));
if (status !== undefined) process.exitCode = status;
