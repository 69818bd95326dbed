#!/usr/bin/env bash
# Compiles the C kernels (src/linalg/dense.c, src/neighbors/brute-force.c, src/nn/matmul.c, src/nn/adam.c, src/nn/pool.c, src/nn/activation.c) to WebAssembly (128-bit SIMD) and
# writes each, base64, into a TypeScript file the package ships (users never need a C compiler). `--check`
# compiles to a temporary folder and fails when a committed file differs, so the blobs in git are the sources'.
# Needs clang and wasm-ld (Debian: clang lld; a build installs them when missing and running as root, a --check
# never installs anything). The bytes depend on the compiler: --check needs the clang named in the committed
# headers (Debian 12's clang 14.0.6) and refuses to compare with another one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --check ]; then
  # The version the committed modules were compiled with, from their header: "(clang 14.0.6, -O3 ...".
  IFS= read -r header < src/linalg/dense-wasm.ts
  wanted="${header#*(clang }"
  wanted="${wanted%%,*}"
  if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; then
    echo "build-wasm: --check needs clang $wanted and wasm-ld (Debian 12: apt-get install clang lld); not on PATH" >&2
    exit 1
  fi
  found="$(clang -dumpversion)"
  if [ "$found" != "$wanted" ]; then
    echo "build-wasm: --check needs clang $wanted, the committed modules' compiler; clang $found writes other bytes" >&2
    exit 1
  fi
elif ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build-wasm: installing Debian's clang and lld (wasm-ld)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y clang lld >/dev/null
  else
    echo "build-wasm: needs clang and wasm-ld: apt-get install clang lld" >&2
    exit 1
  fi
fi
# Each module: C source, generated TypeScript, name of the exported base64 constant, and "shared" for a build
# that imports a shared memory (several threads instantiate it over one memory: src/nn/matmul-threads.ts), or
# "imported" for one that works in another module's memory (tfjs-backend-wasm's heap: src/nn/wasm-leaky-relu.ts), and
# "imported-shared" for the same over a shared memory (tfjs's threaded build: a module must declare a memory shared to
# import a shared one).
modules=(
  "src/linalg/dense.c src/linalg/dense-wasm.ts DENSE_WASM_BASE64"
  "src/neighbors/brute-force.c src/neighbors/brute-force-wasm-bytes.ts BRUTE_FORCE_WASM_BASE64"
  "src/nn/matmul.c src/nn/matmul-wasm.ts MATMUL_WASM_BASE64"
  "src/nn/matmul.c src/nn/matmul-shared-wasm.ts MATMUL_SHARED_WASM_BASE64 shared"
  "src/nn/adam.c src/nn/adam-wasm.ts ADAM_WASM_BASE64"
  "src/nn/pool.c src/nn/pool-wasm.ts POOL_WASM_BASE64"
  "src/nn/activation.c src/nn/activation-wasm.ts ACTIVATION_WASM_BASE64 imported"
  "src/nn/activation.c src/nn/activation-shared-wasm.ts ACTIVATION_SHARED_WASM_BASE64 imported-shared"
)
# The shared build: atomics (a shared memory needs them), the memory imported (at most 4 GiB, all wasm32 can
# address), and the stack pointer exported so that each thread's instance gets a stack of its own.
shared_flags=(-matomics -mbulk-memory -mmutable-globals -Wl,--shared-memory -Wl,--import-memory -Wl,--max-memory=4294967296
  -Wl,--export=__stack_pointer)
# The imported build: the memory comes from the instantiating code (no own memory exported, any size accepted).
imported_flags=(-Wl,--import-memory)
imported_shared_flags=(-matomics -mbulk-memory -Wl,--shared-memory -Wl,--import-memory -Wl,--max-memory=4294967296)
# llvm-objdump (the one matching clang first), which the checks of modules that run in tfjs's heap need.
find_objdump() {
  local found
  found="$(command -v "llvm-objdump-$(clang -dumpversion | cut -d. -f1)" || command -v llvm-objdump || true)"
  if [ -z "$found" ]; then
    echo "build-wasm: $1 runs in tfjs's memory; checking that it keeps nothing there needs llvm-objdump" >&2
    exit 1
  fi
  echo "$found"
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stale=0
for module in "${modules[@]}"; do
  read -r source target name variant <<< "$module"
  base="$(basename "$target" .ts)"
  extra=()
  flags="-O3 -msimd128 -ffp-contract=off"
  if [ "${variant:-}" = shared ]; then
    extra=("${shared_flags[@]}")
    flags="$flags, shared memory"
  elif [ "${variant:-}" = imported ]; then
    extra=("${imported_flags[@]}")
    flags="$flags, imported memory"
  elif [ "${variant:-}" = imported-shared ]; then
    extra=("${imported_shared_flags[@]}")
    flags="$flags, imported shared memory"
  fi
  # -ffp-contract=off: never fuse a * b + c (results must equal the TypeScript's bit for bit).
  # No libc: the kernels use only arithmetic and __builtin_sqrt/fabs/inf/nan (WebAssembly instructions).
  clang --target=wasm32 -O3 -msimd128 -ffp-contract=off -fno-builtin -nostdlib \
    -Wall -Wextra -Werror \
    -Wl,--no-entry -Wl,--export-dynamic -Wl,--export=__heap_base -Wl,-z,stack-size=65536 -Wl,--strip-all \
    "${extra[@]}" -o "$work/$base.wasm" "$source"
  if [ "${variant:-}" = shared ]; then
    # Its threads may run in tfjs's heap (tfjs's threaded build, src/nn/tfjs-heap.ts): no data segment of its own
    # (each thread's stack is set by the caller, to a block tfjs's allocator gave).
    objdump="$(find_objdump "$source")"
    if "$objdump" -h "$work/$base.wasm" | grep -qw DATA; then
      echo "build-wasm: $source has a data segment: over tfjs's heap it would overwrite tfjs's data" >&2
      exit 1
    fi
  fi
  if [ "${variant:-}" = imported ] || [ "${variant:-}" = imported-shared ]; then
    # It runs in another module's memory: it must keep nothing there (no data segment, no stack: the stack
    # pointer, a global, is never read), else it would write over that module's data.
    objdump="$(find_objdump "$source")"
    if "$objdump" -h "$work/$base.wasm" | grep -qw DATA || "$objdump" -d "$work/$base.wasm" | grep -qE 'global\.(get|set)|memory\.grow'; then
      echo "build-wasm: $source uses memory of its own (data, stack or growth): it would overwrite tfjs's heap" >&2
      exit 1
    fi
  fi
  {
    echo "// Generated by scripts/build-wasm.sh from $(basename "$source") (clang $(clang -dumpversion), $flags)."
    echo "// Do not edit: change $(basename "$source") and run \`bash scripts/build-wasm.sh\`."
    echo "export const $name ="
    base64 -w 100 "$work/$base.wasm" | sed 's/.*/  "&" +/' | sed '$ s/ +$/;/'
  } > "$work/$base.ts"
  if [ "${1:-}" = --check ]; then
    if ! cmp -s "$work/$base.ts" "$target"; then
      echo "build-wasm: $target is not the compiled $source: run \`bash scripts/build-wasm.sh\` and commit it" >&2
      stale=1
    else
      echo "build-wasm: $target matches $source"
    fi
  else
    mv "$work/$base.ts" "$target"
    echo "build-wasm: wrote $target ($(stat -c %s "$work/$base.wasm") bytes of WebAssembly)"
  fi
done
exit "$stale"
