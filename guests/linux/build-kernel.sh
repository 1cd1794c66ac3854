#!/usr/bin/env bash
# Builds ArmLab's Linux kernel from Debian's linux-source-6.1 with the AArch64 cross compiler:
#   make tinyconfig + guests/linux/armlab.config  ->  build/linux/arch/arm64/boot/Image
# then checks the result in: guests/linux/config-armlab (the full .config) and
# public/images/linux-Image.gz (gzip -9n; ArmLab's loader and QEMU both take gzip kernels).
# Takes about 4 minutes on 2 cores. Usage: guests/linux/build-kernel.sh   (run as root or with sudo
# available if packages are missing). JOBS=<n> overrides -j2.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="$root/build/linux"
out="$root/public/images"
fragment="$here/armlab.config"
jobs="${JOBS:-2}"
make_args=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -C "$src")

# The build user/host/time appear in the kernel's version line ("Linux version 6.1.x (armlab@armlab)
# ... #1 SMP <date>"): fixed values make rebuilt Images and boot logs comparable.
export KBUILD_BUILD_USER=armlab KBUILD_BUILD_HOST=armlab
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-Thu Jan  1 00:00:00 UTC 2026}"

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- packages: kernel source, cross compiler and the host tools Kbuild needs ----------------------
need=()
dpkg-query -W -f='${Status}' linux-source-6.1 2>/dev/null | grep -q 'install ok installed' || need+=(linux-source-6.1)
for pkg_cmd in gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc binutils-aarch64-linux-gnu:aarch64-linux-gnu-ld \
  gcc:gcc make:make flex:flex bison:bison bc:bc xz-utils:xz libc6-dev:/usr/include/stdio.h; do
  pkg="${pkg_cmd%%:*}" cmd="${pkg_cmd#*:}"
  if [ "${cmd#/}" != "$cmd" ]; then [ -e "$cmd" ] || need+=("$pkg"); else command -v "$cmd" >/dev/null || need+=("$pkg"); fi
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo_if_needed apt-get update
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

tarball="$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)"
[ -n "$tarball" ] || { echo "error: /usr/src/linux-source-6.1.tar.xz not found" >&2; exit 1; }
version="$(dpkg-query -W -f='${Version}' linux-source-6.1)"

# --- unpack (once per package version) ----------------------------------------------------------
if [ ! -f "$src/.armlab-unpacked" ] || [ "$(cat "$src/.armlab-unpacked")" != "$version" ]; then
  echo "unpacking $tarball ($version) to build/linux"
  rm -rf "$src"
  mkdir -p "$src"
  tar -xJf "$tarball" -C "$src" --strip-components=1
  echo "$version" > "$src/.armlab-unpacked"
fi

# --- configure ------------------------------------------------------------------------------------
make "${make_args[@]}" -s tinyconfig >/dev/null
# merge_config.sh -m only merges (it would otherwise run alldefconfig with its own rules);
# olddefconfig then resolves the dependencies of everything we turned on.
(cd "$src" && ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- scripts/kconfig/merge_config.sh -m -O "$src" "$src/.config" "$fragment" >/dev/null)
make "${make_args[@]}" -s olddefconfig

# Every line of the fragment must have survived: an option Kconfig dropped (a missing dependency,
# a renamed symbol) would otherwise only show up as a kernel that does not boot.
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) want="$line" ;;
    "# CONFIG_"*" is not set") want="$line" ;;
    *) continue ;;
  esac
  if [[ "$want" == "# CONFIG_"* ]]; then
    sym="${want#\# }"; sym="${sym%% *}"
    if grep -q "^$sym=" "$src/.config"; then echo "config: $sym should be off but is $(grep "^$sym=" "$src/.config")" >&2; bad=1; fi
  elif ! grep -qxF "$want" "$src/.config"; then
    sym="${want%%=*}"
    echo "config: wanted $want, got: $(grep -E "^$sym=|^# $sym is not set" "$src/.config" || echo absent)" >&2; bad=1
  fi
done < "$fragment"
[ "$bad" = 0 ] || { echo "error: the configuration fragment did not apply cleanly" >&2; exit 1; }

# --- build ------------------------------------------------------------------------------------------
time make "${make_args[@]}" -j"$jobs" Image

image="$src/arch/arm64/boot/Image"
cp "$src/.config" "$here/config-armlab"
mkdir -p "$out"
gzip -9n < "$image" > "$out/linux-Image.gz"
# public/images/LICENSES.md names the exact source package version shipped: keep it in step.
grep -qF "linux-source-6.1\` version **$version**" "$root/public/images/LICENSES.md" ||
  echo "warning: linux-source-6.1 $version is not the version public/images/LICENSES.md names: update it" >&2
echo "kernel: $(make "${make_args[@]}" -s kernelrelease) from linux-source-6.1 $version"
echo "built $image ($(stat -c %s "$image") bytes)"
echo "wrote public/images/linux-Image.gz ($(stat -c %s "$out/linux-Image.gz") bytes) and guests/linux/config-armlab"
