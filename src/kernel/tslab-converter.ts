/**
 * tslab's converter (tslab/dist/converter.js), unchanged, compiling cells in the kernel's plain program
 * (./cell-program) instead of TypeScript's incremental builder.
 *
 * tslab creates its watch program with `ts.createWatchCompilerHost(rootFiles, options, sys, null, ...)`: `null`
 * picks TypeScript's default builder, and nothing else can be passed in. So the kernel loads a private instance
 * of converter.js whose `require("@tslab/typescript-for-tslab")` returns TypeScript with that one function
 * wrapped to pass the kernel's createProgram. The shared instance (tslab's jupyter.js uses it) is left as it
 * is, and {@link createConverter} checks that tslab went through the wrapper, so a tslab that builds its
 * program another way fails loudly instead of silently compiling with the slow builder.
 */
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import type { Converter, ConverterOptions } from "tslab/dist/converter";
import { CellPrograms } from "./cell-program";

type ConverterModule = typeof import("tslab/dist/converter");

let privateConverter: ConverterModule | undefined;
/** How many watch hosts tslab created through the wrapper (one per createConverter). */
let wrappedHosts = 0;

/** The TypeScript tslab resolves (its own dependency), and its converter module's path. */
function tslabModulePaths(): { typescript: string; converter: string } {
  const converter = require.resolve("tslab/dist/converter");
  return { converter, typescript: require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(converter)] }) };
}

/** The CellPrograms of the watch host tslab created last (createConverter hands it to its converter). */
let lastPrograms: CellPrograms | undefined;

/** TypeScript's exports, with createWatchCompilerHost passing the kernel's createProgram where tslab passes none. */
function typescriptWithCellPrograms(ts: typeof TS): typeof TS {
  const createWatchCompilerHost = ts.createWatchCompilerHost;
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(ts);
  descriptors.createWatchCompilerHost = {
    enumerable: true,
    value: (...args: unknown[]) => {
      // tslab's call: (rootFiles, options, system, createProgram = null, reportDiagnostic, reportWatchStatus).
      if (Array.isArray(args[0]) && args[3] == null) {
        lastPrograms = new CellPrograms(ts);
        args[3] = lastPrograms.createProgram;
        wrappedHosts++;
      }
      return (createWatchCompilerHost as (...a: unknown[]) => unknown)(...args);
    },
  };
  return Object.defineProperties({}, descriptors) as typeof TS;
}

/** Loads converter.js afresh with the wrapped TypeScript in the module cache, then puts the cache back. */
function loadPrivateConverter(): ConverterModule {
  const paths = tslabModulePaths();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(paths.typescript) as typeof TS;
  const typescriptEntry = require.cache[paths.typescript];
  if (typescriptEntry === undefined) throw new Error(`anomaly-lab kernel: ${paths.typescript} is not in the module cache`);
  const sharedConverter = require.cache[paths.converter];
  typescriptEntry.exports = typescriptWithCellPrograms(ts);
  delete require.cache[paths.converter];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(paths.converter) as ConverterModule;
  } finally {
    typescriptEntry.exports = ts;
    if (sharedConverter !== undefined) require.cache[paths.converter] = sharedConverter;
    else delete require.cache[paths.converter];
  }
}

/** tslab's converter, plus what the kernel's programs add. */
export interface KernelConverter extends Converter {
  /** Parses a module's declaration files before a cell imports it (CellPrograms.prefetch); returns how many are cached. */
  prefetch(moduleName: string): number;
  /** How many times this converter had a declaration file of an installed package parsed (./declaration-cache). */
  parsedDeclarations(): number;
}

/** How many converters (TypeScript watch programs) this process has created so far. */
export function convertersCreated(): number {
  return wrappedHosts;
}

/**
 * tslab's createConverter, compiling in the kernel's plain program; throws when tslab no longer creates its
 * watch host the way the kernel wraps.
 *
 * @example
 * ```ts
 * const converter = createConverter({ isJS: false, isBrowser: false });
 * converter.convert("", "6 * 7").output; // the cell as CommonJS
 * converter.prefetch("anomaly-lab");     // its types parsed before a cell imports it
 * ```
 */
export function createConverter(options: ConverterOptions): KernelConverter {
  privateConverter ??= loadPrivateConverter();
  const before = wrappedHosts;
  const converter = privateConverter.createConverter(options);
  const programs = lastPrograms;
  if (wrappedHosts !== before + 1 || programs === undefined) {
    converter.close();
    throw new Error(
      "anomaly-lab kernel: tslab's converter no longer creates its program with ts.createWatchCompilerHost(rootFiles, options, sys, null, ...), " +
        "so the kernel cannot give it a plain program (src/kernel/tslab-converter.ts)",
    );
  }
  return {
    ...converter,
    prefetch: (moduleName) => programs.prefetch(moduleName),
    parsedDeclarations: () => programs.declarations.parsed,
  };
}
