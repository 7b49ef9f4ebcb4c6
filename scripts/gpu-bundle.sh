#!/usr/bin/env bash
# Builds a self-contained bundle for a GPU machine that has no Swift toolchain and no network:
# static `skipconv` and `skipconv-bench` binaries, the OpenCL ICD loader, and run-gpu-check.sh.
#
# Usage: scripts/gpu-bundle.sh [BUNDLE_DIR]   (default: gpu-bundle)
# Writes BUNDLE_DIR and BUNDLE_DIR.tar.gz (about 55 MB: the binaries carry Foundation and its
# ICU data). On the GPU machine: tar xzf gpu-bundle.tar.gz && gpu-bundle/run-gpu-check.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-gpu-bundle}

swift build -c release --static-swift-stdlib --product skipconv
swift build -c release --static-swift-stdlib --product skipconv-bench
rm -rf "$bundle"
mkdir -p "$bundle/lib"
cp .build/release/skipconv .build/release/skipconv-bench "$bundle/"
strip "$bundle/skipconv" "$bundle/skipconv-bench"

# Shared libraries the binaries load besides the C and C++ runtimes: the OpenCL ICD loader
# (libOpenCL.so.1 from ocl-icd; the vendor driver comes from the GPU machine) and libcurl with
# its dependencies (Foundation's URLSession). run-gpu-check.sh uses them only where the GPU
# machine lacks one.
if ! ldd .build/release/skipconv | grep -q "libOpenCL.so.1 => /"; then
  echo "gpu-bundle: libOpenCL.so.1 not found; run scripts/setup.sh first" >&2
  exit 1
fi
ldd .build/release/skipconv .build/release/skipconv-bench \
  | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
  | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|libstdc\+\+|libgcc_s)\.so' \
  | while read -r library; do cp -L "$library" "$bundle/lib/"; done
cp scripts/run-gpu-check.sh "$bundle/"
tar -czf "$bundle.tar.gz" -C "$(dirname "$bundle")" "$(basename "$bundle")"
echo "gpu-bundle: wrote $bundle and $bundle.tar.gz ($(du -h "$bundle.tar.gz" | cut -f1))"
