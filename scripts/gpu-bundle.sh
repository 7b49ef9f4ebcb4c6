#!/usr/bin/env bash
# Builds a self-contained bundle for a GPU machine that has no Swift toolchain and no network:
# static `skipconv` and `skipconv-bench` binaries, the OpenCL ICD loader, and run-gpu-check.sh.
#
# Usage: scripts/gpu-bundle.sh [BUNDLE_DIR]   (default: gpu-bundle)
# Then copy BUNDLE_DIR to the GPU machine and run: BUNDLE_DIR/run-gpu-check.sh OUTPUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-gpu-bundle}

swift build -c release --static-swift-stdlib --product skipconv
swift build -c release --static-swift-stdlib --product skipconv-bench
rm -rf "$bundle"
mkdir -p "$bundle/lib"
cp .build/release/skipconv .build/release/skipconv-bench "$bundle/"

# The ICD loader (libOpenCL.so.1) from ocl-icd; the vendor driver comes from the GPU machine.
loader=$(ldconfig -p | awk '/libOpenCL.so.1 / {print $NF; exit}')
if [[ -z $loader ]]; then
  echo "gpu-bundle: libOpenCL.so.1 not found; run scripts/setup.sh first" >&2
  exit 1
fi
cp -L "$loader" "$bundle/lib/libOpenCL.so.1"
cp scripts/run-gpu-check.sh "$bundle/"
echo "gpu-bundle: wrote $bundle ($(du -sh "$bundle" | cut -f1))"
