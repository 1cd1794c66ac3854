#!/usr/bin/env bash
# Builds ArmLab's Linux initramfs: Debian's arm64 busybox-static, ArmLab's /init and the KVM test
# program, packed as a gzip newc cpio -> public/images/linux-initramfs.cpio.gz.
# The arm64 package is only downloaded and unpacked (dpkg-deb -x), never installed; apt works on
# its own lists and cache under build/initramfs/apt, so the host's apt state is left alone.
# Takes well under a minute. Usage: guests/linux/build-initramfs.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/build/initramfs"
out="$root/public/images"
CC=aarch64-linux-gnu-gcc

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- host packages: the cross C compiler with its static glibc and Linux headers (linux/kvm.h) ----
need=()
command -v "$CC" >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/libc.a ] || need+=(libc6-dev-arm64-cross)
[ -e /usr/aarch64-linux-gnu/include/linux/kvm.h ] || need+=(linux-libc-dev-arm64-cross)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo_if_needed apt-get update
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

# --- busybox-static for arm64 from Debian's archive ------------------------------------------------
apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/debs"
: > "$apt_dir/status"   # an empty dpkg status: nothing counts as installed for arm64
apt_opts=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$apt_dir/lists"
  -oDir::Cache="$apt_dir/cache" -oDir::State::status="$apt_dir/status" -oDebug::NoLocking=1)
# As root apt would hand the download to its unprivileged _apt user, who cannot write to build/.
if [ "$(id -u)" = 0 ]; then apt_opts+=(-oAPT::Sandbox::User=root); fi
apt-get "${apt_opts[@]}" -qq update
rm -f "$work/debs"/busybox-static_*.deb
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download busybox-static)
deb="$(ls "$work/debs"/busybox-static_*_arm64.deb)"
bb_version="$(dpkg-deb -f "$deb" Version)"
rm -rf "$work/busybox"
dpkg-deb -x "$deb" "$work/busybox"
busybox="$work/busybox/bin/busybox"
[ -x "$busybox" ] || { echo "error: $deb has no bin/busybox" >&2; exit 1; }

# --- the KVM test program ----------------------------------------------------------------------------
"$CC" -static -O2 -Wall -Wextra -Werror -std=gnu11 -o "$work/kvm-test" "$here/kvm-test/kvm-test.c"
aarch64-linux-gnu-strip "$work/kvm-test"

# --- the archive -------------------------------------------------------------------------------------
# Applet links (/bin/sh, /bin/ls, ...) are made by /init at boot with `busybox --install -s`, so
# the list of applets always matches the busybox inside. /dev/console must exist before /init
# runs: the kernel opens it for PID 1's stdin/stdout before anything could mount devtmpfs.
cat > "$work/initramfs.list" <<LIST
dir   bin 0755
dir   sbin 0755
dir   usr 0755
dir   usr/bin 0755
dir   usr/sbin 0755
dir   dev 0755
dir   proc 0555
dir   sys 0555
dir   tmp 1777
dir   root 0700
dir   etc 0755
nod   dev/console 0600 c 5 1
file  bin/busybox $busybox 0755
slink bin/sh busybox 0777
file  bin/kvm-test $work/kvm-test 0755
file  init $here/init 0755
LIST
mkdir -p "$out"
node "$here/mkcpio.mjs" "$work/initramfs.list" "$out/linux-initramfs.cpio.gz"
echo "busybox-static $bb_version (Built-Using: $(dpkg-deb -f "$deb" Built-Using))" > "$work/versions.txt"
# public/images/LICENSES.md names the exact package version shipped: keep it in step.
grep -qF "$bb_version" "$root/public/images/LICENSES.md" ||
  echo "warning: busybox-static $bb_version is not the version public/images/LICENSES.md names: update it" >&2
echo "busybox-static $bb_version (arm64), kvm-test $(stat -c %s "$work/kvm-test") bytes"
echo "wrote public/images/linux-initramfs.cpio.gz ($(stat -c %s "$out/linux-initramfs.cpio.gz") bytes)"
