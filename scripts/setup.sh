#!/usr/bin/env bash
# Installs what SkipConv needs on Debian or Ubuntu and is missing: the OpenCL ICD loader and
# headers, PoCL (an OpenCL driver for the CPU), clinfo, and the libcurl development files that
# Foundation's URLSession (dataset downloads) links against in a --static-swift-stdlib build. Installs only missing packages, so a
# second run changes nothing. Runs apt-get as root, or through sudo when not root.
set -euo pipefail

packages=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo libcurl4-openssl-dev)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: apt-get not found; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  echo "setup: OpenCL packages already installed"
fi

if ! command -v swift >/dev/null; then
  if [[ -x /opt/swift/usr/bin/swift ]]; then
    echo "setup: Swift is in /opt/swift/usr/bin but not on PATH; run: export PATH=/opt/swift/usr/bin:\$PATH" >&2
  else
    echo "setup: no Swift toolchain found; install Swift 6.0 or newer from swift.org" >&2
  fi
  exit 1
fi

if ! clinfo -l 2>/dev/null | grep -q "Device"; then
  echo "setup: the OpenCL loader sees no device; check 'clinfo' and the ICD files in /etc/OpenCL/vendors" >&2
  exit 1
fi
echo "setup: ready ($(swift --version 2>/dev/null | head -n 1); $(clinfo -l | grep -c Device) OpenCL device(s))"
