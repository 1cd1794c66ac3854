#!/usr/bin/env bash
# Installs what ArmLab needs on Debian 12. Idempotent and quick when everything is present.
#   scripts/setup.sh          npm packages (to run the lab)
#   scripts/setup.sh test     + Debian's Chromium for the end-to-end tests, QEMU for live comparisons,
#                             the AArch64 binutils and dtc that some tests cross-check against
#   scripts/setup.sh guests   + the AArch64 cross toolchain and QEMU, to rebuild guest images
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

need_pkgs=()
want() { dpkg -s "$1" >/dev/null 2>&1 || need_pkgs+=("$1"); }
case "$mode" in
  run) ;;
  test) want chromium; want qemu-user; want qemu-system-arm; want binutils-aarch64-linux-gnu; want device-tree-compiler ;;
  guests) want gcc-aarch64-linux-gnu; want binutils-aarch64-linux-gnu; want libc6-dev-arm64-cross
          want qemu-system-arm; want qemu-user; want device-tree-compiler ;;
  *) echo "usage: $0 [run|test|guests]" >&2; exit 2 ;;
esac

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install these Debian packages: ${need_pkgs[*]}" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: need root to install: ${need_pkgs[*]} (run: apt-get install ${need_pkgs[*]})" >&2
      exit 1
    fi
  fi
  echo "setup: installing ${need_pkgs[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# npm packages: install when missing or when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# test: Debian's own arm64 kernel for the robustness test in tests/unit/linux.test.ts (downloaded
# once into build/debian-kernel, then cached). Without it that test is skipped, so a failed download
# (no network) is a warning, not an error.
if [ "$mode" = test ]; then
  bash scripts/fetch-debian-kernel.sh ||
    echo "setup: warning: could not fetch Debian's arm64 kernel; the Debian-kernel boot test will be skipped" >&2
fi
