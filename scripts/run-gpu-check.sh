#!/usr/bin/env bash
# Runs on a GPU machine from a bundle made by gpu-bundle.sh: registers the NVIDIA OpenCL driver
# when no ICD file names it, then lists devices, runs the parity table and the benchmark on the
# first GPU, writing every output to OUTPUT_DIR. Each step has a time limit so that the whole
# check ends within about 5 minutes.
#
# Usage: run-gpu-check.sh OUTPUT_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run-gpu-check.sh OUTPUT_DIR}
mkdir -p "$out"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Register the NVIDIA driver in a private vendors folder when the system has no ICD file for it.
if ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  driver=$(ldconfig -p | awk '/libnvidia-opencl.so.1 / {print $NF; exit}')
  if [[ -z $driver ]]; then
    driver=$(find / -name 'libnvidia-opencl.so.1' -not -path '/proc/*' 2>/dev/null | head -n 1)
  fi
  if [[ -n $driver ]]; then
    mkdir -p "$out/vendors"
    echo "$driver" > "$out/vendors/nvidia.icd"
    export OCL_ICD_VENDORS="$out/vendors"
    echo "registered NVIDIA OpenCL driver $driver" | tee "$out/icd.txt"
  else
    echo "no NVIDIA OpenCL driver (libnvidia-opencl.so.1) found" | tee "$out/icd.txt"
  fi
fi

nvidia-smi > "$out/nvidia-smi.txt" 2>&1
timeout 30 "$here/skipconv" devices --check > "$out/devices.txt" 2>&1
echo "devices: exit $?" | tee -a "$out/status.txt"
timeout 120 "$here/skipconv" parity --device gpu > "$out/parity.md" 2>&1
echo "parity: exit $?" | tee -a "$out/status.txt"
timeout 120 "$here/skipconv-bench" --device gpu --reference-runs 0 \
  --json "$out/bench.json" > "$out/bench.md" 2> "$out/bench.log"
echo "bench: exit $?" | tee -a "$out/status.txt"
