#!/usr/bin/env bash
# Fetches Debian 12's own arm64 kernel, a kernel configuration that is not ours, for the robustness
# test of tests/unit/linux.test.ts ("boot kernels built for QEMU's virt board in general").
#
#   scripts/fetch-debian-kernel.sh            download once; later runs reuse build/debian-kernel/
#   scripts/fetch-debian-kernel.sh --refresh  look for a newer package and download it if there is one
#
# Result, in build/debian-kernel/ (not in git):
#   vmlinuz      the kernel: an arm64 Image with an EFI stub (gzip-compressed or not; ArmLab's loader
#                and QEMU take either)
#   config       the kernel configuration it was built with
#   package.txt  the package name and version
# The package is `linux-image-<abi>-cloud-arm64-unsigned` (falls back to the generic `-arm64-`
# flavour if the cloud one is missing): the cloud flavour has the PL011, GICv3, generic timer and
# PSCI built in, which is all a busybox initramfs needs. The .deb is only downloaded and unpacked
# (dpkg-deb), never installed: apt runs with APT::Architecture=arm64 on its own lists, cache and
# (empty) status file under build/debian-kernel/apt, so the host's apt state is untouched. This is
# the same arrangement as guests/linux/build-initramfs.sh uses for busybox-static.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/build/debian-kernel"
refresh=0
case "${1:-}" in
  "") ;;
  --refresh) refresh=1 ;;
  *) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

# Cached: the network is not touched when a complete earlier download is there.
if [ "$refresh" = 0 ] && [ -s "$work/vmlinuz" ] && [ -s "$work/package.txt" ]; then
  echo "debian kernel: $(cat "$work/package.txt") (cached in build/debian-kernel)"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (this script needs Debian's apt)" >&2; exit 1; }
done

apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/debs"
: > "$apt_dir/status"   # an empty dpkg status: nothing counts as installed for arm64
apt_opts=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$apt_dir/lists"
  -oDir::Cache="$apt_dir/cache" -oDir::State::status="$apt_dir/status" -oDebug::NoLocking=1)
# As root apt would hand the download to its unprivileged _apt user, who cannot write to build/.
if [ "$(id -u)" = 0 ]; then apt_opts+=(-oAPT::Sandbox::User=root); fi
apt-get "${apt_opts[@]}" -qq update

# The metapackage (linux-image-cloud-arm64) depends on the current ABI's signed image,
# linux-image-<abi>-cloud-arm64; the unsigned package of the same ABI holds the same kernel without
# the Secure Boot signature.
pkg=""
for flavour in cloud-arm64 arm64; do
  abi_pkg="$(apt-cache "${apt_opts[@]}" depends "linux-image-$flavour" 2>/dev/null |
    sed -n "s/^ *Depends: \(linux-image-[0-9][^ ]*-$flavour\)\( .*\)\{0,1\}$/\1/p" | head -n 1)"
  [ -n "$abi_pkg" ] || continue
  if apt-cache "${apt_opts[@]}" show "$abi_pkg-unsigned" >/dev/null 2>&1; then pkg="$abi_pkg-unsigned"; else pkg="$abi_pkg"; fi
  break
done
[ -n "$pkg" ] || { echo "error: found no linux-image-cloud-arm64 or linux-image-arm64 in Debian's arm64 lists" >&2; exit 1; }
version="$(apt-cache "${apt_opts[@]}" show "$pkg" | sed -n 's/^Version: //p' | head -n 1)"

if [ -s "$work/vmlinuz" ] && [ "$(cat "$work/package.txt" 2>/dev/null)" = "$pkg $version" ]; then
  echo "debian kernel: $pkg $version (already the newest, in build/debian-kernel)"
  exit 0
fi

echo "debian kernel: downloading $pkg $version"
rm -f "$work/debs"/*.deb
(cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "$pkg")
deb="$(ls "$work/debs"/*.deb)"
rm -rf "$work/unpacked"
mkdir -p "$work/unpacked"
# Only /boot is needed (the modules are not: the initramfs loads none). Its System.map is a
# one-line placeholder: the real symbol table is in the (large) linux-image-<abi>-cloud-arm64-dbg
# package, worth fetching only to read PCs of a failing boot.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/unpacked" ./boot
image="$(ls "$work/unpacked/boot"/vmlinuz-* | head -n 1)"
[ -s "$image" ] || { echo "error: $deb has no /boot/vmlinuz-*" >&2; exit 1; }
cp "$image" "$work/vmlinuz.new"
cp "$work/unpacked/boot"/config-* "$work/config"
mv "$work/vmlinuz.new" "$work/vmlinuz"   # last, so an interrupted run leaves no half kernel behind
echo "$pkg $version" > "$work/package.txt"
rm -rf "$work/unpacked" "$deb"
echo "debian kernel: $(cat "$work/package.txt"), vmlinuz $(stat -c %s "$work/vmlinuz") bytes ($(file -b "$work/vmlinuz" 2>/dev/null | cut -d, -f1 || echo '?'))"
