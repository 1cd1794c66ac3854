#!/usr/bin/env bash
# Boots ArmLab's Linux under QEMU's virt board: the known-good reference for ArmLab's own boot.
# The console is this script's stdin/stdout, so commands can be piped in, e.g.
#   printf 'uname -a\nkvm-test\npoweroff -f\n' | guests/linux/run-qemu.sh
# When stdin is not a terminal, it is held back until the guest shows the shell's first prompt
# ("armlab:/# ", set by guests/linux/init): characters that reach the PL011 before Linux opens the
# console are discarded (pl011_enable_interrupts drains the RX FIFO) or leave its RX interrupt
# stuck, so a script piped in at once would be lost; and lines sent between the init's marker and
# the prompt would be echoed twice (by the tty, then by the shell's line editor).
# `poweroff -f` (PSCI SYSTEM_OFF) ends QEMU with status 0, a timeout with 124; a kernel panic
# reboots (CONFIG_PANIC_TIMEOUT=-1), which -no-reboot turns into an exit as well.
#
# Options (defaults in brackets):
#   -k FILE   kernel Image or Image.gz       [public/images/linux-Image.gz]
#   -i FILE   initramfs                       [public/images/linux-initramfs.cpio.gz]
#   -a ARGS   kernel command line             [console=ttyAMA0]
#   -c CPU    QEMU CPU model                  [cortex-a57]
#   -m MIB    RAM size                        [512]
#   -s N      number of CPUs                  [1]
#   -t SECS   give up after SECS seconds      [120]
#   -w TEXT   piped input waits for TEXT      ["armlab:/# "]; -w '' sends it at once
#   -- ...    anything after -- goes to qemu-system-aarch64 unchanged
# Needs qemu-system-aarch64 (Debian: qemu-system-arm).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
kernel="$root/public/images/linux-Image.gz"
initrd="$root/public/images/linux-initramfs.cpio.gz"
append="console=ttyAMA0"
cpu="cortex-a57"
mem=512
smp=1
secs=120
marker="armlab:/# "

while getopts "k:i:a:c:m:s:t:w:h" opt; do
  case "$opt" in
    k) kernel="$OPTARG" ;;
    i) initrd="$OPTARG" ;;
    a) append="$OPTARG" ;;
    c) cpu="$OPTARG" ;;
    m) mem="$OPTARG" ;;
    s) smp="$OPTARG" ;;
    t) secs="$OPTARG" ;;
    w) marker="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

command -v qemu-system-aarch64 >/dev/null || {
  echo "error: qemu-system-aarch64 not found (Debian: apt-get install qemu-system-arm)" >&2
  exit 1
}

# virtualization=on: the CPU starts at EL2, so Linux keeps EL2 for KVM. gic-version=3: the GICv3
# ArmLab models (with its virtualization interface). -nic none: no PCI network card (the kernel has
# no PCI, and QEMU's default card needs iPXE ROMs).
qemu=(timeout --foreground "$secs" qemu-system-aarch64
  -M virt,gic-version=3,virtualization=on -cpu "$cpu" -smp "$smp" -m "$mem"
  -nographic -nic none -no-reboot
  -kernel "$kernel" -initrd "$initrd" -append "$append" "$@")

# Interactive (a terminal), or no marker to wait for: QEMU reads stdin itself.
if [ -t 0 ] || [ -z "$marker" ]; then exec "${qemu[@]}"; fi

# Piped input: QEMU reads a FIFO that receives our stdin only once the output shows the marker.
tmp="$(mktemp -d)"
feeder=""
cleanup() {
  # The feeder and the cat it may be running (blocked on a stdin that is still open).
  if [ -n "$feeder" ]; then pkill -P "$feeder" 2>/dev/null || true; kill "$feeder" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkfifo "$tmp/in"
: > "$tmp/out"
exec 3<&0 4<>"$tmp/in"  # fd 4 keeps the FIFO open, so QEMU never sees end-of-file on it
(
  # Polls the console copy for the marker, then passes stdin through to QEMU.
  while ! grep -qF -- "$marker" "$tmp/out"; do sleep 0.05; done
  cat <&3 >&4
) &
feeder=$!
"${qemu[@]}" <"$tmp/in" | tee "$tmp/out"
