#!/usr/bin/env bash
# Records expected.txt: what qemu-system-aarch64 prints for fp-selfcheck.elf. QEMU is the oracle.
# The run at EL2 (virtualization=on) and the run at EL1 (virtualization=off) must agree, since the
# self-check is written to be independent of the exception level. Line endings are stored as LF.
# Usage: bash guests/fp-selfcheck/record-expected.sh   (after npm run guests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
elf="$here/../../public/images/fp-selfcheck.elf"
command -v qemu-system-aarch64 >/dev/null || { echo "qemu-system-aarch64 missing: sudo apt-get install qemu-system-arm" >&2; exit 1; }

run() {
  timeout 120 qemu-system-aarch64 -M "virt,virtualization=$1,gic-version=3" -cpu cortex-a57 \
    -nographic -nic none -kernel "$elf" | tr -d '\r'
}
el2="$(run on)"
el1="$(run off)"
if [ "$el2" != "$el1" ]; then
  echo "error: the EL2 and EL1 runs differ:" >&2
  diff <(echo "$el2") <(echo "$el1") >&2 || true
  exit 1
fi
case "$el2" in *"fp self-check done"*) ;; *) echo "error: the self-check did not finish" >&2; exit 1 ;; esac
printf '%s\n' "$el2" > "$here/expected.txt"
echo "wrote $here/expected.txt"
