#!/usr/bin/env bash
# Records a self-check guest's expected.txt: what qemu-system-aarch64 prints for it. QEMU is the oracle.
# The run at EL2 (virtualization=on) and the run at EL1 (virtualization=off) must agree, since the
# self-checks are written to be independent of the exception level. Line endings are stored as LF.
# Usage: bash guests/common/record-expected.sh GUEST "LAST LINE"   (after npm run guests); the guest's
# own guests/GUEST/record-expected.sh calls this with its name and the line that says it finished.
set -euo pipefail
guest="$1"
done_text="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
elf="$root/public/images/$guest.elf"
out="$root/guests/$guest/expected.txt"
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
case "$el2" in *"$done_text"*) ;; *) echo "error: the self-check did not finish" >&2; exit 1 ;; esac
printf '%s\n' "$el2" > "$out"
echo "wrote $out"
