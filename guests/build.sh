#!/usr/bin/env bash
# Builds the bare-metal guests with Debian's AArch64 cross compiler, copies the ELFs to
# public/images/ and rewrites public/images/manifest.json.  Usage: npm run guests
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/public/images"
build="$root/build/guests"
CROSS="${CROSS:-aarch64-linux-gnu-}"
CC="${CROSS}gcc"

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "error: $CC not found." >&2
  echo "Install the cross toolchain:  sudo apt-get install gcc-aarch64-linux-gnu" >&2
  exit 1
fi

# -mstrict-align: the MMU stays off, so all data accesses are Device memory and must be aligned.
# -mgeneral-regs-only: no FP/SIMD code (the guests must not depend on the FP unit).
# -march=armv8-a: the baseline ISA; the ISA self-check enables CRC32 in its own inline assembly.
CFLAGS=(-march=armv8-a -mstrict-align -mgeneral-regs-only -ffreestanding -nostdlib -fno-builtin
  -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pic -fno-pie -fno-asynchronous-unwind-tables
  -ffunction-sections -fdata-sections -O2 -g -Wall -Wextra -std=gnu11)
LDFLAGS=(-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-T,"$here/common/link.ld" -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments -Wl,--gc-sections)
COMMON=("$here/common/start.S" "$here/common/uart.c" "$here/common/psci.c" "$here/common/libc.c"
  "$here/common/fatal.S" "$here/common/fatal.c")

# The FP guests: the same flags minus -mgeneral-regs-only, so GCC uses the FP/SIMD registers and
# vectorises at -O2; -fno-math-errno lets __builtin_sqrt and the rounding builtins become single
# instructions (FSQRT, FRINT*). Only the guest's own sources get these flags: the common runtime
# stays integer-only, since start.S calls main() before the FPU is enabled (CPACR_EL1.FPEN,
# CPTR_EL2.TFP), and each FP guest enables it in a general-regs-only main().
FP_CFLAGS=()
for f in "${CFLAGS[@]}"; do [ "$f" = -mgeneral-regs-only ] || FP_CFLAGS+=("$f"); done
FP_CFLAGS+=(-fno-math-errno)

mkdir -p "$build" "$out"

# build_guest <id> <sources...>
build_guest() {
  local id="$1"; shift
  local elf="$build/$id.elf"
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$elf" "${COMMON[@]}" "$@"
  # The shipped copy has no debug info: smaller, and byte-identical across build directories.
  "${CROSS}strip" --strip-debug -o "$out/$id.elf" "$elf"
  echo "built public/images/$id.elf ($(stat -c %s "$out/$id.elf") bytes)"
}

# build_fp_guest <id> <sources...>: compiles the guest's sources with FP_CFLAGS, links as above.
build_fp_guest() {
  local id="$1"; shift
  local objs=() src obj
  for src in "$@"; do
    obj="$build/$id-$(basename "${src%.*}").o"
    "$CC" "${FP_CFLAGS[@]}" -c -o "$obj" "$src"
    objs+=("$obj")
  done
  build_guest "$id" "${objs[@]}"
}

build_guest hello "$here/hello/hello.c"
build_guest echo "$here/echo/echo.c"
build_guest exceptions "$here/exceptions/exceptions.c" "$here/exceptions/vectors.S"
build_guest isa-selfcheck "$here/isa-selfcheck/isa.c"
build_guest bench-cpu "$here/bench-cpu/bench.c"
build_fp_guest fp-selfcheck "$here/fp-selfcheck/fp.c" "$here/fp-selfcheck/vec.c" "$here/fp-selfcheck/neon.c"
build_fp_guest bench-fp "$here/bench-fp/bench.c"

# Not shipped: the self-check printing every single check with its operands, for diffing a
# failing group between ArmLab and QEMU (see docs/guests.md). VERBOSE_GROUP=<name> limits it to
# one group.
verbose=(-DVERBOSE)
if [ -n "${VERBOSE_GROUP:-}" ]; then verbose+=("-DVERBOSE_GROUP=\"$VERBOSE_GROUP\""); fi
"$CC" "${CFLAGS[@]}" "${verbose[@]}" "${LDFLAGS[@]}" -o "$build/isa-selfcheck-verbose.elf" "${COMMON[@]}" \
  "$here/isa-selfcheck/isa.c"
echo "built build/guests/isa-selfcheck-verbose.elf (for debugging, not shipped)"

# The manifest lists every image the UI and CLI offer. Entries for images this script does not
# build (e.g. Linux, added by guests/linux) are kept as they are.
node "$here/manifest.mjs" "$out/manifest.json"
